import type { Kysely } from 'kysely';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { getOrCreate } from '../maps.ts';
import { tallyResults } from '../polls/polls.results.ts';
import {
  type ClassBreakouts,
  classSpansByUser,
  type LoadedBreakouts,
  loadBreakouts,
  noBreakouts,
  splitRoomsByMeetingData,
  worstMeetingSync,
} from './report-breakouts.ts';
import type { ReportPollInput, RosterStudent, SessionReportInput } from './report-input.ts';
import type { AttendanceRules } from './reports.schemas.ts';
import {
  countChat,
  countQuestions,
  countUpvotesGiven,
  listMeetingOpens,
  listMeetingSegments,
  listPollAnswers,
  type AnswerTuple,
  type StayTuple,
  listRoomSegments,
  listSessionPolls,
} from './reports.repo.ts';

type Db = Kysely<Database>;

/**
 * Reads classes' durable rows into SessionReportInputs (never the event log), in the order given: one set of
 * set-based queries for all of them, run together, so a course report over 30 classes costs what one class does.
 * `roster` is passed in so a course report reads it once for all its classes.
 */
export async function loadReportInputs(
  db: Db,
  classes: { session: LiveSessionRow; rules: AttendanceRules }[],
  roster: RosterMember[],
  now: Date,
): Promise<SessionReportInput[]> {
  if (classes.length === 0) return [];
  const ids = classes.map((c) => c.session.id);
  const [room, meeting, breakouts, opens, chat, questions, upvotes, pollRows, answerRows] = await Promise.all([
    listRoomSegments(db, ids),
    listMeetingSegments(db, ids),
    loadBreakouts(db, ids),
    listMeetingOpens(db, ids),
    countChat(db, ids),
    countQuestions(db, ids),
    countUpvotesGiven(db, ids),
    listSessionPolls(db, ids),
    listPollAnswers(db, ids),
  ]);
  const bySession = <T extends { session_id: string }>(rows: T[]) => Map.groupBy(rows, (r) => r.session_id);
  const [opensOf, chatOf, questionsOf, upvotesOf, pollsOf] = [
    bySession(opens),
    bySession(chat),
    bySession(questions),
    bySession(upvotes),
    bySession(pollRows),
  ];
  const answersOf = new Map(answerRows.map((row) => [row.pollId, row.answers]));
  return classes.map(({ session, rules }) =>
    inputOf(session, rules, rosterOfClass(roster, session, now), now, {
      room: room.get(session.id) ?? [],
      meeting: meeting.get(session.id) ?? [],
      breakouts: breakouts.byClass.get(session.id) ?? noBreakouts(),
      breakoutStays: breakouts,
      opens: opensOf.get(session.id) ?? [],
      chat: chatOf.get(session.id) ?? [],
      questions: questionsOf.get(session.id) ?? [],
      upvotes: upvotesOf.get(session.id) ?? [],
      polls: pollsOf.get(session.id) ?? [],
      answers: answersOf,
    }),
  );
}

/** One class's report input (see loadReportInputs). */
export async function loadReportInput(
  db: Db,
  session: LiveSessionRow,
  rules: AttendanceRules,
  roster: RosterMember[],
  now: Date,
): Promise<SessionReportInput> {
  const [input] = await loadReportInputs(db, [{ session, rules }], roster, now);
  return input as SessionReportInput;
}

type Rows<F extends (...args: never[]) => Promise<unknown[]>> = Awaited<ReturnType<F>>;
interface ClassRows {
  room: StayTuple[];
  meeting: StayTuple[];
  /** The class's breakout rooms, and the stays in every room being read (by room session). */
  breakouts: ClassBreakouts;
  breakoutStays: Pick<LoadedBreakouts, 'room' | 'meeting'>;
  opens: Rows<typeof listMeetingOpens>;
  chat: Rows<typeof countChat>;
  questions: Rows<typeof countQuestions>;
  upvotes: Rows<typeof countUpvotesGiven>;
  polls: Rows<typeof listSessionPolls>;
  /** Every answer, by poll id (of any class being read). */
  answers: Map<string, AnswerTuple[]>;
}

/** A roster student and when they were put on the course's roster. */
export interface RosterMember extends RosterStudent {
  addedAt: Date;
}

/**
 * The students a class is reported for: those on the roster by the time it ended (or now, while it has not), so a
 * student who joins the course in week 10 is not counted absent from weeks 1 to 9, nor flagged at risk for them.
 */
export function rosterOfClass(roster: RosterMember[], session: LiveSessionRow, now: Date): RosterStudent[] {
  const end = (session.actual_end ?? now).getTime();
  return roster.filter((m) => m.addedAt.getTime() <= end).map(({ addedAt: _addedAt, ...student }) => student);
}

function inputOf(session: LiveSessionRow, rules: AttendanceRules, roster: RosterStudent[], now: Date, rows: ClassRows): SessionReportInput {
  const onRoster = new Set(roster.map((s) => s.userId));
  const { chat, questions } = rows;
  const activity = { messages: new Map<number, number>(), questions: new Map<number, number>(), votes: new Map<number, number>() };
  const add = (map: Map<string | number, number>, key: string | number, n: number) => map.set(key, (map.get(key) ?? 0) + n);

  const messagesBy = new Map<string, number>();
  let messages = 0;
  for (const row of chat) {
    add(messagesBy, row.user_id, row.n);
    add(activity.messages, Number(row.minute), row.n);
    messages += row.n;
  }
  const questionsBy = new Map<string, number>();
  const qaCounts = { total: 0, answered: 0, open: 0, dismissed: 0 };
  for (const row of questions) {
    if (row.user_id !== null) add(questionsBy, row.user_id, row.n);
    add(activity.questions, Number(row.minute), row.n);
    qaCounts.total += row.n;
    // Still waiting for review counts as open, refused in review as dismissed: the report's four counts stay as they were.
    qaCounts[row.status === 'pending' ? 'open' : row.status === 'rejected' ? 'dismissed' : row.status] += row.n;
  }
  const polls = toPollInputs(rows.polls, rows.answers);
  const { roomNames, roomsOf, roomSyncs } = rows.breakouts;
  const onRosterNow = (userId: string) => onRoster.has(userId);
  const matchesRoster = (stays: readonly StayTuple[] | undefined) => stays?.some(([userId]) => onRoster.has(userId)) ?? false;
  const { meeting: roomMeetings, room: roomPages } = rows.breakoutStays;
  const { withMeeting, withoutMeeting } = splitRoomsByMeetingData(roomNames, (roomId) => matchesRoster(roomMeetings.get(roomId)));
  for (const p of rows.polls) for (const a of rows.answers.get(p.id) ?? []) add(activity.votes, minuteStart(a[2]), 1);

  return {
    session: {
      id: session.id,
      courseId: session.course_id,
      title: session.title,
      status: session.status,
      scheduledStart: session.scheduled_start,
      durationMinutes: session.duration_minutes,
      actualStart: session.actual_start,
      actualEnd: session.actual_end,
    },
    rules,
    roster,
    roomSegments: classSpansByUser(rows.room, roomPages, roomNames, onRosterNow),
    meetingSegments: classSpansByUser(rows.meeting, roomMeetings, withMeeting, onRosterNow),
    meetingFallback: classSpansByUser([], roomPages, withoutMeeting, onRosterNow),
    breakoutRooms: new Map([...roomsOf].filter(([userId]) => onRoster.has(userId))),
    // Meeting time counts only where the class's own meeting matched someone on the roster: a sync that read the
    // meeting but could match nobody (no directory access, outside accounts), or has not run, must not turn every
    // student absent under source "meeting"; the report then falls back to room time, and summary.meetingSync says
    // why. A room's meeting never decides it: a class judged on its rooms' meetings alone would count nobody who
    // stayed in the main room.
    hasMeetingData: matchesRoster(rows.meeting),
    meetingOpens: new Map(rows.opens.filter((o) => onRoster.has(o.user_id)).map((o) => [o.user_id, o.first_opened_at])),
    messagesBy,
    questionsBy,
    upvotesBy: new Map(rows.upvotes.map((u) => [u.user_id, u.n])),
    messages,
    questions: qaCounts,
    activity,
    polls,
    meetingSync: worstMeetingSync(
      { status: session.meeting_sync_status, syncedAt: session.meeting_synced_at, error: session.meeting_sync_error },
      roomSyncs,
    ),
    now,
  };
}

const minuteStart = (ms: number) => Math.floor(ms / 60_000) * 60_000;

export type PollRow = Awaited<ReturnType<typeof listSessionPolls>>[number];

/**
 * Polls with their answers and results. The tally is polls' own (tallyResults) over the answers grouped by choice in
 * the order first given, as GET …/polls/:pollId counts them.
 */
function toPollInputs(polls: PollRow[], answersOf: Map<string, AnswerTuple[]>): ReportPollInput[] {
  return polls.map((p) => {
    const answers = answersOf.get(p.id) ?? [];
    const counts = new Map<string, { choice: unknown; votes: number }>();
    for (const [, choice] of answers) getOrCreate(counts, JSON.stringify(choice), () => ({ choice, votes: 0 })).votes += 1;
    const responses = answers.map(([userId, choice, , updated]) => ({ userId, choice, atMs: updated }));
    return pollInput(p, [...counts.values()], responses);
  });
}

/** One poll row as a report input, given its votes per choice (for the tally) and the answers it lists. */
export function pollInput(
  p: PollRow,
  votes: { choice: unknown; votes: number }[],
  responses: ReportPollInput['responses'],
): ReportPollInput {
  const shape = { type: p.type, options: p.options as unknown as string[] };
  return {
    pollId: p.id,
    question: p.question,
    type: p.type,
    options: shape.options,
    anonymous: p.anonymous,
    correctOption: p.correct_option,
    // listSessionPolls leaves drafts out: what remains was offered, open or closed.
    status: p.status as ReportPollInput['status'],
    createdAt: p.created_at,
    closedAt: p.closed_at,
    durationSeconds: p.duration_seconds,
    openedAt: p.opened_at,
    results: tallyResults(shape, votes),
    responses,
  };
}
