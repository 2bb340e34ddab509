import type { ReportPollInput, RosterStudent, SessionReportInput, Span } from '../reports/report-input.ts';

/** 10:00 UTC on a Monday: minute 0 of every hand-computed report fixture. */
export const BASE = Date.parse('2026-03-02T10:00:00.000Z');
/** The instant `minute` minutes (fractions allowed) after BASE. */
export const at = (minute: number) => new Date(BASE + minute * 60_000);
/** A stay from minute `from` to minute `to` after BASE; `to` null while still in. */
export const span = (from: number, to: number | null): Span => ({ joinedAt: at(from), leftAt: to === null ? null : at(to) });

export const student = (userId: string, name = userId): RosterStudent => ({ userId, name, email: `${userId}@example.test` });

/**
 * A report input for a class scheduled and held 10:00–11:00 (60 minutes), rules 75 % / late after 10 min /
 * at least 1 min / source either, no meeting data, no activity. Override whatever a test is about.
 */
export function makeReportInput(overrides: Partial<SessionReportInput> = {}): SessionReportInput {
  return {
    session: {
      id: 'session-1',
      courseId: 'course-1',
      title: 'Algebra',
      status: 'completed',
      scheduledStart: at(0),
      durationMinutes: 60,
      actualStart: at(0),
      actualEnd: at(60),
    },
    rules: { presentPercent: 75, latePresentMinutes: 10, minimumMinutes: 1, source: 'either' },
    roster: [],
    roomSegments: new Map(),
    meetingSegments: new Map(),
    breakoutRooms: new Map(),
    hasMeetingData: false,
    meetingOpens: new Map(),
    messagesBy: new Map(),
    questionsBy: new Map(),
    upvotesBy: new Map(),
    messages: 0,
    questions: { total: 0, answered: 0, open: 0, dismissed: 0 },
    activity: { messages: new Map(), questions: new Map(), votes: new Map() },
    polls: [],
    meetingSync: { status: 'none', syncedAt: null, error: null },
    now: at(90),
    ...overrides,
  };
}

/** A closed single-choice poll created at minute 5; pass `correctOption` for a quiz. */
export function makePoll(pollId: string, overrides: Partial<ReportPollInput> = {}): ReportPollInput {
  return {
    pollId,
    question: `Question ${pollId}?`,
    type: 'single',
    options: ['A', 'B', 'C'],
    anonymous: false,
    correctOption: null,
    status: 'closed',
    createdAt: at(5),
    closedAt: at(10),
    durationSeconds: null,
    openedAt: at(5),
    results: { total: 0, counts: [0, 0, 0] },
    responses: [],
    ...overrides,
  };
}
