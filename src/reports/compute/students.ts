import type { RosterStudent, SessionReportInput, Span } from '../report-input.ts';
import type { SessionReport } from '../reports.schemas.ts';
import { isoOrNull, isoUtc, minutes1, percentOrNull, round1 } from './numbers.ts';
import { namedPolls, pollStatsByStudent, quizzesAsked } from './polls.ts';
import { type ClassWindow, countableIntervals, totalMs } from './spans.ts';
import { type CountedTime, countedTime, studentStatus } from './status.ts';

type StudentReportRow = SessionReport['students'][number];

/** A student's row together with the exact counted time the class-wide figures are built from. */
export interface StudentResult {
  row: StudentReportRow;
  counted: CountedTime;
}

const byName = new Intl.Collator('en', { sensitivity: 'base' });

/** The roster in report order: by name, then by user id so that two students of one name keep a stable order. */
export function sortRoster(roster: readonly RosterStudent[]): RosterStudent[] {
  return [...roster].sort((a, b) => byName.compare(a.name, b.name) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

/** Stays as shown, oldest first (the loader's order is usually already that, and is then kept without a sort). */
function iso(spans: readonly Span[]) {
  const inOrder = spans.every((s, i) => i === 0 || (spans[i - 1]?.joinedAt.getTime() ?? 0) <= s.joinedAt.getTime());
  const sorted = inOrder ? spans : [...spans].sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime());
  return sorted.map((s) => {
    const shown = { joinedAt: isoUtc(s.joinedAt.getTime()), leftAt: isoOrNull(s.leftAt) };
    // Only a stay in a breakout room names it: a class of 5,000 has ~15,000 stays, each a null more otherwise.
    return s.breakoutRoom === undefined ? shown : { ...shown, breakoutRoom: s.breakoutRoom };
  });
}

/** The room's first join and last leave as stored (not clipped): what the student actually did. */
function roomBounds(spans: readonly Span[]): { firstJoin: string | null; lastLeave: string | null } {
  if (spans.length === 0) return { firstJoin: null, lastLeave: null };
  let first = spans[0]?.joinedAt.getTime() ?? 0;
  let last = 0;
  let open = false;
  for (const s of spans) {
    first = Math.min(first, s.joinedAt.getTime());
    if (s.leftAt === null) open = true;
    else last = Math.max(last, s.leftAt.getTime());
  }
  return { firstJoin: isoUtc(first), lastLeave: open ? null : isoUtc(last) };
}

/**
 * One row per roster student, in the roster's order. `minutes` is room time and `meetingMinutes` meeting time (each
 * with the stays in the class's breakout rooms, report-breakouts.ts; meeting time also counts `meetingFallback`,
 * which the row does not list), each clipped to the class and merged;
 * `percentOfClass` is the counted time (per `rules.source`) over the class duration. The status is decided on exact
 * milliseconds before any of these is rounded.
 */
export function studentResults(input: SessionReportInput, roster: readonly RosterStudent[], window: ClassWindow): StudentResult[] {
  const { rules, now } = input;
  const pollStats = pollStatsByStudent(input.polls);
  const pollsOffered = namedPolls(input.polls).length;
  const quizAsked = quizzesAsked(input.polls);
  return roster.map((student) => {
    const roomSpans = input.roomSegments.get(student.userId) ?? [];
    const meetingSpans = input.meetingSegments.get(student.userId) ?? [];
    const room = countableIntervals(roomSpans, window, now);
    const fallback = input.meetingFallback?.get(student.userId);
    const meetingTime = fallback === undefined ? meetingSpans : [...meetingSpans, ...fallback];
    const meeting = input.hasMeetingData ? countableIntervals(meetingTime, window, now) : null;
    const counted = countedTime(room, meeting, rules.source, rules.minimumMinutes * 60_000);
    const opened = input.meetingOpens.get(student.userId) ?? null;
    const polls = pollStats.get(student.userId) ?? { answered: 0, quizAnswered: 0, quizCorrect: 0, quizPoints: 0 };
    const row: StudentReportRow = {
      userId: student.userId,
      name: student.name,
      email: student.email,
      status: studentStatus(counted, window, rules),
      joinedMeeting: opened !== null,
      joinedMeetingAt: isoOrNull(opened),
      ...roomBounds(roomSpans),
      segments: iso(roomSpans),
      minutes: minutes1(totalMs(room)),
      meetingMinutes: meeting === null ? null : minutes1(totalMs(meeting)),
      meetingSegments: input.hasMeetingData ? iso(meetingSpans) : [],
      percentOfClass: window.classMs > 0 ? round1((counted.ms * 100) / window.classMs) : 0,
      breakoutRooms: input.breakoutRooms.get(student.userId) ?? [],
      messages: input.messagesBy.get(student.userId) ?? 0,
      questions: input.questionsBy.get(student.userId) ?? 0,
      upvotesGiven: input.upvotesBy.get(student.userId) ?? 0,
      pollsAnswered: polls.answered,
      pollsOffered,
      quizCorrect: polls.quizCorrect,
      quizAsked,
      // Null for a student who answered no quiz: they took no part, which is not a score of 0.
      quizScore: polls.quizAnswered > 0 ? percentOrNull(polls.quizCorrect, quizAsked) : null,
      quizPoints: polls.quizPoints,
    };
    return { row, counted };
  });
}
