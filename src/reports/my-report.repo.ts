import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables.ts';
import { getOrCreate } from '../maps.ts';
import { classAndRoomSessionIds } from './breakouts.repo.ts';
import type { Span } from './report-input.ts';

// A student's own report (GET …/report/me) reads only that student's rows, each through an index that starts with
// the session (and the user where one exists); what the class as a whole contributes is counted in the database:
// the poll tallies, and whether the meeting syncs (the class's, its rooms') matched anyone on the roster.

/**
 * One student's stays in the class room or the video meeting, by session (the class and its breakout rooms, read
 * through the class's rounds in the same statement), each oldest first.
 */
export async function listMyStays(
  db: Kysely<Database>,
  table: 'session_attendance' | 'meeting_participant_segments',
  classId: string,
  userId: string,
): Promise<Map<string, Span[]>> {
  const rows = await db
    .selectFrom(table)
    .select(['session_id', 'joined_at', 'left_at'])
    .where('session_id', 'in', classAndRoomSessionIds(db, classId))
    .where('user_id', '=', userId)
    .orderBy('joined_at')
    .execute();
  const bySession = new Map<string, Span[]>();
  for (const r of rows) getOrCreate(bySession, r.session_id, () => []).push({ joinedAt: r.joined_at, leftAt: r.left_at });
  return bySession;
}

/** When the student first opened the meeting link of the class or of one of its breakout rooms, if ever. */
export async function findMyMeetingOpen(db: Kysely<Database>, classId: string, userId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('meeting_opens')
    .select((eb) => eb.fn.min('first_opened_at').as('first'))
    .where('session_id', 'in', classAndRoomSessionIds(db, classId))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.first == null ? null : new Date(row.first);
}

/**
 * The student's messages (not deleted), questions under their name and upvotes given, counted in the database. Upvotes
 * are reached per question by the (question, user) key, as countUpvotesGiven does for the class.
 */
export async function countMyActivity(db: Kysely<Database>, sessionId: string, userId: string) {
  const { rows } = await sql<{ messages: number; questions: number; upvotes: number }>`
    SELECT
      (SELECT count(*)::int FROM session_chat WHERE session_id = ${sessionId} AND user_id = ${userId} AND deleted_at IS NULL) AS messages,
      (SELECT count(*)::int FROM session_qa WHERE session_id = ${sessionId} AND user_id = ${userId}) AS questions,
      (SELECT count(*)::int FROM session_qa q
         CROSS JOIN LATERAL (SELECT 1 FROM qa_upvotes WHERE qa_id = q.id AND user_id = ${userId} OFFSET 0) v
       WHERE q.session_id = ${sessionId}) AS upvotes`.execute(db);
  const row = rows[0];
  return { messages: Number(row?.messages ?? 0), questions: Number(row?.questions ?? 0), upvotes: Number(row?.upvotes ?? 0) };
}

/** The student's answers to the session's polls, each by its (poll, user) key, with when last given. */
export async function listMyAnswers(db: Kysely<Database>, sessionId: string, userId: string) {
  const { rows } = await sql<{ poll_id: string; choice: unknown; updated_at: Date }>`
    SELECT p.id AS poll_id, r.choice, r.updated_at
    FROM session_polls p
    CROSS JOIN LATERAL (SELECT choice, updated_at FROM poll_responses WHERE poll_id = p.id AND user_id = ${userId} OFFSET 0) r
    WHERE p.session_id = ${sessionId}`.execute(db);
  return rows.map((r) => ({ pollId: r.poll_id, choice: r.choice, at: new Date(r.updated_at) }));
}

/**
 * Each poll's distinct answers with their number of voters, grouped in the database (never every answer), in the
 * order first given as polls' own countChoices orders them.
 */
export async function countPollChoices(db: Kysely<Database>, sessionId: string) {
  const { rows } = await sql<{ poll_id: string; choice: unknown; votes: number }>`
    SELECT p.id AS poll_id, c.choice, c.votes
    FROM session_polls p
    CROSS JOIN LATERAL (
      SELECT choice, count(*)::int AS votes, min(updated_at) AS first_given, min(user_id) AS tie
      FROM poll_responses WHERE poll_id = p.id GROUP BY choice OFFSET 0
    ) c
    WHERE p.session_id = ${sessionId}
    ORDER BY p.id, c.first_given, c.tie`.execute(db);
  return Map.groupBy(
    rows.map((r) => ({ pollId: r.poll_id, choice: r.choice, votes: Number(r.votes) })),
    (r) => r.pollId,
  );
}

/**
 * Which of the class and its breakout rooms have meeting data: their meeting sync matched someone on the class's
 * roster (students on the course by `rosterEnd`). The class report decides the same per session from the rows it
 * reads (report-loader.ts hasMeetingData, report-breakouts.ts splitRoomsByMeetingData), so a student's own status
 * follows the rule of the report their mentors read. Each session stops at its first match.
 */
export async function sessionsWithRosterMeetingData(
  db: Kysely<Database>,
  classId: string,
  courseId: string,
  rosterEnd: Date,
): Promise<Set<string>> {
  const rows = await db
    .selectFrom(classAndRoomSessionIds(db, classId).as('s'))
    .select('s.session_id')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('meeting_participant_segments as m')
          .innerJoin('course_members as cm', (join) =>
            join
              .onRef('cm.user_id', '=', 'm.user_id')
              .on('cm.course_id', '=', courseId)
              .on('cm.role', '=', 'student')
              .on('cm.created_at', '<=', rosterEnd),
          )
          .select(sql<number>`1`.as('one'))
          .whereRef('m.session_id', '=', 's.session_id'),
      ),
    )
    .execute();
  return new Set(rows.map((r) => r.session_id));
}
