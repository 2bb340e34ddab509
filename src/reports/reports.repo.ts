import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables.ts';

// The report's reads: each one statement over one session's rows, through an index that starts with session_id (or,
// for upvotes and poll answers, through the session's questions and polls and their primary keys), so a report never
// scans other classes' rows. Counts are grouped in the database; the minute of an instant is its epoch milliseconds
// floored to the minute, so no time zone setting can shift it.

const minuteOf = (column: string) => sql<string | number>`(floor(extract(epoch from ${sql.ref(column)}) / 60) * 60000)::bigint`;

/** The course's current students, by name. */
export async function listRosterStudents(db: Kysely<Database>, courseId: string) {
  return db
    .selectFrom('course_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id as userId', 'u.name', 'u.email'])
    .where('m.course_id', '=', courseId)
    .where('m.role', '=', 'student')
    .orderBy('u.name')
    .orderBy('m.user_id')
    .execute();
}

/** Every class-room stay in the session, per user, oldest first. */
export async function listRoomSegments(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('session_attendance')
    .select(['user_id', 'joined_at', 'left_at'])
    .where('session_id', '=', sessionId)
    .orderBy('user_id')
    .orderBy('joined_at')
    .execute();
}

/** Video-meeting stays matched to a person (unmatched participants are not anyone's row). */
export async function listMeetingSegments(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('meeting_participant_segments')
    .select(['user_id', 'joined_at', 'left_at'])
    .where('session_id', '=', sessionId)
    .where('user_id', 'is not', null)
    .orderBy('user_id')
    .orderBy('joined_at')
    .execute();
}

/** Who opened the meeting link, and when first. */
export async function listMeetingOpens(db: Kysely<Database>, sessionId: string) {
  return db.selectFrom('meeting_opens').select(['user_id', 'first_opened_at']).where('session_id', '=', sessionId).execute();
}

/** Messages not deleted, per author and minute. */
export async function countChat(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('session_chat')
    .select(['user_id', minuteOf('created_at').as('minute'), sql<number>`count(*)::int`.as('n')])
    .where('session_id', '=', sessionId)
    .where('deleted_at', 'is', null)
    .groupBy(['user_id', 'minute'])
    .execute();
}

/** Questions per author (null: anonymous), status and minute. */
export async function countQuestions(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('session_qa')
    .select(['user_id', 'status', minuteOf('created_at').as('minute'), sql<number>`count(*)::int`.as('n')])
    .where('session_id', '=', sessionId)
    .groupBy(['user_id', 'status', 'minute'])
    .execute();
}

/** Upvotes each person gave to this session's questions. */
export async function countUpvotesGiven(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('session_qa as q')
    .innerJoin('qa_upvotes as v', 'v.qa_id', 'q.id')
    .select(['v.user_id', sql<number>`count(*)::int`.as('n')])
    .where('q.session_id', '=', sessionId)
    .groupBy('v.user_id')
    .execute();
}

/** The session's polls, oldest first. */
export async function listSessionPolls(db: Kysely<Database>, sessionId: string) {
  return db.selectFrom('session_polls').selectAll().where('session_id', '=', sessionId).orderBy('created_at').orderBy('id').execute();
}

/** Every answer to the session's polls, in the order they were last given. */
export async function listPollResponses(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('session_polls as p')
    .innerJoin('poll_responses as r', 'r.poll_id', 'p.id')
    .select(['r.poll_id', 'r.user_id', 'r.choice', 'r.created_at', 'r.updated_at'])
    .where('p.session_id', '=', sessionId)
    .orderBy('r.updated_at')
    .orderBy('r.user_id')
    .execute();
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

/** A course's completed classes whose actual start falls in [from, to), oldest first. */
export async function listCompletedClasses(db: Kysely<Database>, courseId: string, from: Date | null, to: Date | null) {
  let q = db
    .selectFrom('live_sessions')
    .selectAll()
    .where('course_id', '=', courseId)
    .where('status', '=', 'completed')
    .where('actual_start', 'is not', null);
  if (from) q = q.where('actual_start', '>=', from);
  if (to) q = q.where('actual_start', '<', to);
  return q.orderBy('actual_start').orderBy('id').execute();
}
