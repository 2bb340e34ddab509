import type { Kysely } from 'kysely';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { getOrCreate } from '../maps.ts';
import { tallyResults } from '../polls/polls.results.ts';
import type { ReportPollInput, RosterStudent, SessionReportInput, Span } from './report-input.ts';
import type { AttendanceRules } from './reports.schemas.ts';
import {
  countChat,
  countQuestions,
  countUpvotesGiven,
  listMeetingOpens,
  listMeetingSegments,
  listPollResponses,
  listRoomSegments,
  listSessionPolls,
} from './reports.repo.ts';

type Db = Kysely<Database>;

/**
 * Reads one class's durable rows into a SessionReportInput (never the event log): a handful of set-based queries, run
 * together. `roster` is passed in so a course report reads it once for all its classes.
 */
export async function loadReportInput(
  db: Db,
  session: LiveSessionRow,
  rules: AttendanceRules,
  roster: RosterStudent[],
  now: Date,
): Promise<SessionReportInput> {
  const [room, meeting, opens, chat, questions, upvotes, pollRows, responses] = await Promise.all([
    listRoomSegments(db, session.id),
    listMeetingSegments(db, session.id),
    listMeetingOpens(db, session.id),
    countChat(db, session.id),
    countQuestions(db, session.id),
    countUpvotesGiven(db, session.id),
    listSessionPolls(db, session.id),
    listPollResponses(db, session.id),
  ]);
  const onRoster = new Set(roster.map((s) => s.userId));
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
    qaCounts[row.status] += row.n;
  }
  const polls = toPollInputs(pollRows, responses);
  for (const r of responses) add(activity.votes, minuteStart(r.created_at), 1);

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
    roomSegments: spansByUser(room, onRoster),
    meetingSegments: spansByUser(meeting, onRoster),
    hasMeetingData: session.meeting_sync_status === 'done' || meeting.length > 0,
    meetingOpens: new Map(opens.filter((o) => onRoster.has(o.user_id)).map((o) => [o.user_id, o.first_opened_at])),
    messagesBy,
    questionsBy,
    upvotesBy: new Map(upvotes.map((u) => [u.user_id, u.n])),
    messages,
    questions: qaCounts,
    activity,
    polls,
    meetingSync: { status: session.meeting_sync_status, syncedAt: session.meeting_synced_at, error: session.meeting_sync_error },
    now,
  };
}

const minuteStart = (at: Date) => Math.floor(at.getTime() / 60_000) * 60_000;

function spansByUser(rows: { user_id: string | null; joined_at: Date; left_at: Date | null }[], onRoster: Set<string>) {
  const byUser = new Map<string, Span[]>();
  for (const row of rows) {
    if (row.user_id === null || !onRoster.has(row.user_id)) continue;
    getOrCreate(byUser, row.user_id, () => []).push({ joinedAt: row.joined_at, leftAt: row.left_at });
  }
  return byUser;
}

type PollRow = Awaited<ReturnType<typeof listSessionPolls>>[number];
type ResponseRow = Awaited<ReturnType<typeof listPollResponses>>[number];

/**
 * Polls with their answers and results. The tally is polls' own (tallyResults) over the answers grouped by choice in
 * the order first given, as GET …/polls/:pollId counts them.
 */
function toPollInputs(polls: PollRow[], responses: ResponseRow[]): ReportPollInput[] {
  const byPoll = new Map<string, ResponseRow[]>();
  for (const r of responses) getOrCreate(byPoll, r.poll_id, () => []).push(r);
  return polls.map((p) => {
    const answers = byPoll.get(p.id) ?? [];
    const counts = new Map<string, { choice: unknown; votes: number }>();
    for (const a of answers) getOrCreate(counts, JSON.stringify(a.choice), () => ({ choice: a.choice, votes: 0 })).votes += 1;
    const shape = { type: p.type, options: p.options as unknown as string[] };
    return {
      pollId: p.id,
      question: p.question,
      type: p.type,
      options: shape.options,
      anonymous: p.anonymous,
      correctOption: p.correct_option,
      status: p.status,
      createdAt: p.created_at,
      closedAt: p.closed_at,
      results: tallyResults(shape, [...counts.values()]),
      responses: answers.map((a) => ({ userId: a.user_id, choice: a.choice, at: a.updated_at })),
    };
  });
}
