import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables.ts';
import { roomSessionIds } from './breakouts.repo.ts';

// The report's reads: each one statement over one session's rows, through an index that starts with session_id (or,
// for upvotes and poll answers, through the session's questions and polls and their primary keys), so a report never
// scans other classes' rows. Counts are grouped in the database; the minute of an instant is its epoch milliseconds
// floored to the minute, so no time zone setting can shift it.

const minuteOf = (column: string) => sql<string | number>`(floor(date_part('epoch', ${sql.ref(column)}) / 60) * 60000)::bigint`;

/** The course's current students, by name, with when each was put on the roster. */
export async function listRosterStudents(db: Kysely<Database>, courseId: string) {
  return db
    .selectFrom('course_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id as userId', 'u.name', 'u.email', 'm.created_at as addedAt'])
    .where('m.course_id', '=', courseId)
    .where('m.role', '=', 'student')
    .orderBy('u.name')
    .orderBy('m.user_id')
    .execute();
}

/** One student of the course's roster, by the (course, user) key; empty when they are not a student of it. */
export async function findRosterStudent(db: Kysely<Database>, courseId: string, userId: string) {
  return db
    .selectFrom('course_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id as userId', 'u.name', 'u.email', 'm.created_at as addedAt'])
    .where('m.course_id', '=', courseId)
    .where('m.user_id', '=', userId)
    .where('m.role', '=', 'student')
    .execute();
}

/**
 * An instant as epoch milliseconds: a report reads tens of thousands, and a number costs far less to parse than a
 * date. date_part is a float; extract() would compute in numeric, several times slower over a whole class.
 */
const epochMs = <T extends number | null = number>(column: string) => sql<T>`floor(date_part('epoch', ${sql.ref(column)}) * 1000)`;

/** One stay: [user id, joined, left or null while still there] (epoch milliseconds). */
export type StayTuple = [string, number, number | null];

/** The breakout rooms of these classes, read through their rounds (breakouts.repo.ts roomSessionIds), not by id. */
export interface RoomsOf {
  roomsOf: readonly string[];
}

/**
 * Stays per session as one JSON document each (5,000 students with three stays each is 15,000 rows otherwise, slow
 * to hand over from the embedded database); oldest first per user, put in order here.
 */
async function staysOf(
  db: Kysely<Database>,
  table: 'session_attendance' | 'meeting_participant_segments',
  sessions: readonly string[] | RoomsOf,
): Promise<Map<string, StayTuple[]>> {
  const q = db
    .selectFrom(table)
    .select([
      'session_id',
      sql<StayTuple[] | string>`json_agg(json_build_array(user_id, ${epochMs('joined_at')}, ${epochMs('left_at')}))`.as('stays'),
    ])
    .where('user_id', 'is not', null)
    .groupBy('session_id');
  const rows = await ('roomsOf' in sessions
    ? q.where('session_id', 'in', roomSessionIds(db, sessions.roomsOf))
    : q.where('session_id', 'in', sessions)
  ).execute();
  const byJoin = (a: StayTuple, b: StayTuple) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]);
  return new Map(
    rows.map((row) => [row.session_id, (typeof row.stays === 'string' ? (JSON.parse(row.stays) as StayTuple[]) : row.stays).sort(byJoin)]),
  );
}

/** Every class-room stay in the sessions (or in the classes' breakout rooms), by session. */
export const listRoomSegments = (db: Kysely<Database>, sessions: readonly string[] | RoomsOf) =>
  staysOf(db, 'session_attendance', sessions);

/** Video-meeting stays matched to a person (unmatched participants are not anyone's row), by session. */
export const listMeetingSegments = (db: Kysely<Database>, sessions: readonly string[] | RoomsOf) =>
  staysOf(db, 'meeting_participant_segments', sessions);

/**
 * The meeting stays the sync matched to nobody (user_id null: outside accounts, dial-ins, anonymous guests) in the
 * class's meeting, through the (session_id, user_id, joined_at) index, and in its breakout rooms' meetings (through
 * its rounds), each of those with its room's name.
 */
export async function listMeetingGuestStays(db: Kysely<Database>, sessionId: string) {
  const own = db
    .selectFrom('meeting_participant_segments')
    .select(['participant', 'display_name', 'email', 'joined_at', 'left_at', sql<string | null>`NULL`.as('breakout_room')])
    .where('session_id', '=', sessionId)
    .where('user_id', 'is', null);
  const inRooms = db
    .selectFrom('breakout_rounds as r')
    .innerJoin('breakout_rooms as b', 'b.round_id', 'r.id')
    .innerJoin('meeting_participant_segments as m', 'm.session_id', 'b.session_id')
    .select(['m.participant', 'm.display_name', 'm.email', 'm.joined_at', 'm.left_at', 'b.name as breakout_room'])
    .where('r.session_id', '=', sessionId)
    .where('m.user_id', 'is', null);
  const rows = await db.selectFrom(own.unionAll(inRooms).as('g')).selectAll().orderBy('joined_at').execute();
  return rows.map((r) => ({
    participant: r.participant,
    displayName: r.display_name,
    email: r.email,
    joinedAt: r.joined_at,
    leftAt: r.left_at,
    ...(r.breakout_room !== null && { breakoutRoom: r.breakout_room }),
  }));
}

/**
 * Who opened each class's meeting link or one of its breakout rooms' (keyed by the class), and when first: the
 * earliest open wins. The rooms' opens come through the classes' rounds (one parameter per class, never per room).
 */
export async function listMeetingOpens(db: Kysely<Database>, classIds: string[]) {
  const own = db.selectFrom('meeting_opens').select(['session_id', 'user_id', 'first_opened_at']).where('session_id', 'in', classIds);
  const inRooms = db
    .selectFrom('breakout_rounds as r')
    .innerJoin('breakout_rooms as b', 'b.round_id', 'r.id')
    .innerJoin('meeting_opens as o', 'o.session_id', 'b.session_id')
    .select(['r.session_id', 'o.user_id', 'o.first_opened_at'])
    .where('r.session_id', 'in', classIds);
  return db
    .selectFrom(own.unionAll(inRooms).as('o'))
    .select(['o.session_id', 'o.user_id', (eb) => eb.fn.min('o.first_opened_at').as('first_opened_at')])
    .groupBy(['o.session_id', 'o.user_id'])
    .execute();
}

/** Messages not deleted, per session, author and minute. */
export async function countChat(db: Kysely<Database>, sessionIds: string[]) {
  return db
    .selectFrom('session_chat')
    .select(['session_id', 'user_id', minuteOf('created_at').as('minute'), sql<number>`count(*)::int`.as('n')])
    .where('session_id', 'in', sessionIds)
    .where('deleted_at', 'is', null)
    .groupBy(['session_id', 'user_id', 'minute'])
    .execute();
}

/** Questions per session, author (null: anonymous), status and minute. */
export async function countQuestions(db: Kysely<Database>, sessionIds: string[]) {
  return db
    .selectFrom('session_qa')
    .select(['session_id', 'user_id', 'status', minuteOf('created_at').as('minute'), sql<number>`count(*)::int`.as('n')])
    .where('session_id', 'in', sessionIds)
    .groupBy(['session_id', 'user_id', 'status', 'minute'])
    .execute();
}

/**
 * Upvotes each person gave to each session's questions. Upvotes (and poll answers, below) are reached per question
 * (per poll) in a LATERAL subquery, OFFSET 0 so the planner keeps it per row: as one join, PostgreSQL hash-joins them
 * over a sequential scan of every class's votes once one class is a tenth of the table, as a 5,000-student class is
 * in the benchmark.
 */
export async function countUpvotesGiven(db: Kysely<Database>, sessionIds: string[]) {
  const { rows } = await sql<{ session_id: string; user_id: string; n: number }>`
    SELECT q.session_id, v.user_id, count(*)::int AS n
    FROM session_qa q
    CROSS JOIN LATERAL (SELECT user_id FROM qa_upvotes WHERE qa_id = q.id OFFSET 0) v
    WHERE q.session_id IN (${sql.join(sessionIds)})
    GROUP BY q.session_id, v.user_id`.execute(db);
  return rows;
}

/** The sessions' polls, oldest first; drafts were never offered, so they are not part of any report. */
export async function listSessionPolls(db: Kysely<Database>, sessionIds: string[]) {
  return db
    .selectFrom('session_polls')
    .selectAll()
    .where('session_id', 'in', sessionIds)
    .where('status', '<>', 'draft')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** One answer: [user id, choice, first given, last given] (epoch milliseconds). */
export type AnswerTuple = [string, unknown, number, number];

/**
 * Every answer to the sessions' polls, one row per poll with its answers in the order last given. A class of 5,000
 * has tens of thousands of answers: one JSON document per poll is parsed natively, where as many rows would each go
 * through the driver's row parser. They are put in order here, not by the database: sorting them there (by a
 * collated text tie-break, past work_mem) took longer than reading them.
 */
export async function listPollAnswers(db: Kysely<Database>, sessionIds: string[]) {
  const ms = (column: string) => sql`floor(date_part('epoch', ${sql.ref(column)}) * 1000)`;
  const { rows: answers } = await sql<{ poll_id: string; answers: AnswerTuple[] | string | null }>`
    SELECT p.id AS poll_id, a.answers
    FROM session_polls p
    CROSS JOIN LATERAL (
      SELECT json_agg(json_build_array(r.user_id, r.choice, ${ms('r.created_at')}, ${ms('r.updated_at')})) AS answers
      FROM poll_responses r WHERE r.poll_id = p.id
    ) a
    WHERE p.session_id IN (${sql.join(sessionIds)})`.execute(db);
  // pg parses json itself; PGlite may hand back the text.
  const byLastGiven = (a: AnswerTuple, b: AnswerTuple) => a[3] - b[3] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return answers.map((row) => ({
    pollId: row.poll_id,
    answers: (typeof row.answers === 'string' ? (JSON.parse(row.answers) as AnswerTuple[]) : (row.answers ?? [])).sort(byLastGiven),
  }));
}

/** The questions CSV: every question with its author's name (none for anonymous ones). */
export async function listQuestionsForCsv(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('session_qa as q')
    .leftJoin('users as u', 'u.id', 'q.user_id')
    .select(['q.id', 'q.created_at', 'q.user_id', 'u.name', 'q.question', 'q.status', 'q.upvotes', 'q.answer'])
    .where('q.session_id', '=', sessionId)
    .orderBy('q.created_at')
    .orderBy('q.id')
    .execute();
}

/** The chat CSV: messages not deleted, with their authors' names. */
export async function listChatForCsv(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('session_chat as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.id', 'c.created_at', 'c.user_id', 'u.name', 'c.type', 'c.body'])
    .where('c.session_id', '=', sessionId)
    .where('c.deleted_at', 'is', null)
    .orderBy('c.created_at')
    .orderBy('c.id')
    .execute();
}

/**
 * How many of a course's completed classes (not breakout rooms) have their actual start in [from, to) (what
 * listCompletedClasses reads).
 */
export async function countCompletedClasses(db: Kysely<Database>, courseId: string, from: Date | null, to: Date | null) {
  let q = db
    .selectFrom('live_sessions')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('course_id', '=', courseId)
    .where('parent_session_id', 'is', null)
    .where('status', '=', 'completed')
    .where('actual_start', 'is not', null)
    // A breakout room is part of its class's report, not a class of its own (issue 15). IS NULL as a literal, so the
    // planner reads live_sessions_course_classes_idx (classes only) rather than every room row of the course.
    .where('parent_session_id', 'is', null);
  if (from) q = q.where('actual_start', '>=', from);
  if (to) q = q.where('actual_start', '<', to);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** A course's completed classes (not breakout rooms) whose actual start falls in [from, to), oldest first. */
export async function listCompletedClasses(db: Kysely<Database>, courseId: string, from: Date | null, to: Date | null) {
  let q = db
    .selectFrom('live_sessions')
    .selectAll()
    .where('course_id', '=', courseId)
    // Breakout rooms count inside their class's report, not as classes of their own.
    .where('parent_session_id', 'is', null)
    .where('status', '=', 'completed')
    .where('actual_start', 'is not', null)
    // A breakout room is part of its class's report, not a class of its own (issue 15). IS NULL as a literal, so the
    // planner reads live_sessions_course_classes_idx (classes only) rather than every room row of the course.
    .where('parent_session_id', 'is', null);
  if (from) q = q.where('actual_start', '>=', from);
  if (to) q = q.where('actual_start', '<', to);
  return q.orderBy('actual_start').orderBy('id').execute();
}
