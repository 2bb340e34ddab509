import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { AUDIT_COLUMNS, type AuditEntry, auditRows } from '../audit/audit.repo.ts';
import type { Database, SessionPollsTable } from '../db/tables.ts';
import type { ChoiceCount } from './polls.results.ts';

export type PollRow = Selectable<SessionPollsTable>;

export async function insertPoll(db: Kysely<Database>, values: Insertable<SessionPollsTable>): Promise<PollRow> {
  return db.insertInto('session_polls').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findPoll(db: Kysely<Database>, pollId: string): Promise<PollRow | undefined> {
  return db.selectFrom('session_polls').selectAll().where('id', '=', pollId).executeTakeFirst();
}

/** A session's polls, oldest first; drafts only when asked for (managers). */
export async function listPolls(db: Kysely<Database>, sessionId: string, withDrafts: boolean): Promise<PollRow[]> {
  let q = db.selectFrom('session_polls').selectAll().where('session_id', '=', sessionId);
  if (!withDrafts) q = q.where('status', '<>', 'draft');
  return q.orderBy('created_at').orderBy('id').execute();
}

/** Opens a draft now, its timer (if any) starting now; undefined when it is no longer a draft. */
export async function launchDraft(db: Kysely<Database>, pollId: string, at: Date): Promise<PollRow | undefined> {
  return db
    .updateTable('session_polls')
    .set({
      status: 'open',
      opened_at: at,
      closes_at: sql<Date | null>`${at}::timestamptz + make_interval(secs => duration_seconds)`,
    })
    .where('id', '=', pollId)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
}

/** Deletes a draft; false when it is no longer one (launched meanwhile). */
export async function deleteDraft(db: Kysely<Database>, pollId: string): Promise<boolean> {
  const res = await db.deleteFrom('session_polls').where('id', '=', pollId).where('status', '=', 'draft').executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/**
 * Closes a timed poll whose time is up, at its closing time; undefined when it is not (closed already, by a mentor,
 * the class's end, or another node's timer). The condition makes the close happen once however many nodes try.
 */
export async function closeDuePoll(db: Kysely<Database>, pollId: string, now: Date): Promise<PollRow | undefined> {
  return db
    .updateTable('session_polls')
    .set({ status: 'closed', closed_at: sql<Date>`closes_at` })
    .where('id', '=', pollId)
    .where('status', '=', 'open')
    .where('closes_at', '<=', now)
    .returningAll()
    .executeTakeFirst();
}

/** Open polls with a timer, soonest first: those due by `dueBy` only, when given. */
export async function listTimedPolls(db: Kysely<Database>, dueBy?: Date): Promise<Pick<PollRow, 'id' | 'session_id' | 'closes_at'>[]> {
  let q = db
    .selectFrom('session_polls')
    .select(['id', 'session_id', 'closes_at'])
    .where('status', '=', 'open')
    .where('closes_at', 'is not', null);
  if (dueBy) q = q.where('closes_at', '<=', dueBy);
  return q.orderBy('closes_at').limit(1000).execute();
}

/** How many people have answered the poll. */
export async function countResponses(db: Kysely<Database>, pollId: string): Promise<number> {
  const row = await db
    .selectFrom('poll_responses')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('poll_id', '=', pollId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Closes the poll if it is still open; undefined when it was already closed. */
export async function closePoll(db: Kysely<Database>, pollId: string, at: Date): Promise<PollRow | undefined> {
  return db
    .updateTable('session_polls')
    .set({ status: 'closed', closed_at: at })
    .where('id', '=', pollId)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst();
}

export async function closeOpenPolls(db: Kysely<Database>, sessionId: string, at: Date): Promise<PollRow[]> {
  return db
    .updateTable('session_polls')
    .set({ status: 'closed', closed_at: at })
    .where('session_id', '=', sessionId)
    .where('status', '=', 'open')
    .returningAll()
    .execute();
}

/**
 * A batch of votes in one statement, so one round trip. Of the polls voted on, the ones still open are locked (a vote
 * batch and a close cannot interleave, so no vote lands after the close that reported the final results); their
 * responses are upserted (a second vote replaces the first), live polls are marked as owing a poll:results, and the
 * audit rows of the accepted votes are written. Returns the polls that were open.
 *
 * The lock is the one the `pending` update needs anyway: a share lock upgraded by that update would let two nodes'
 * batches for one poll deadlock. The responses go as arrays in one INSERT … SELECT unnest(…), the statement the vote
 * benchmark takes as its floor. Callers pass at most one row per (poll, user): PostgreSQL refuses to update a row
 * twice in one statement.
 */
export async function writeVotes(
  db: Kysely<Database>,
  rows: { pollId: string; userId: string; choice: unknown }[],
  audit: AuditEntry[],
  at: Date,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const pollIds = [...new Set(rows.map((r) => r.pollId))];
  const { rows: open } = await sql<{ id: string }>`
    WITH open AS (
      SELECT id, results_visibility FROM session_polls
      WHERE id = any(${pollIds}::uuid[]) AND status = 'open' AND (closes_at IS NULL OR closes_at > ${at}::timestamptz)
      FOR NO KEY UPDATE
    ), responses AS (
      INSERT INTO poll_responses (poll_id, user_id, choice, updated_at)
      SELECT poll_id, user_id, choice, ${at}::timestamptz
      FROM unnest(${rows.map((r) => r.pollId)}::uuid[], ${rows.map((r) => r.userId)}::text[], ${rows.map((r) => JSON.stringify(r.choice))}::jsonb[])
        AS v(poll_id, user_id, choice)
      WHERE poll_id IN (SELECT id FROM open)
      ON CONFLICT (poll_id, user_id) DO UPDATE SET choice = excluded.choice, updated_at = excluded.updated_at
    ), pending AS (
      UPDATE session_polls SET broadcast_pending = true WHERE id IN (SELECT id FROM open WHERE results_visibility = 'live')
    ), audited AS (
      INSERT INTO audit_log (${AUDIT_COLUMNS})
      SELECT ${AUDIT_COLUMNS} FROM ${auditRows(audit)} WHERE t.target_id IN (SELECT id::text FROM open) ORDER BY n
    )
    SELECT id FROM open`.execute(db);
  return new Set(open.map((r) => r.id));
}

/** Each distinct answer with its number of voters, in the order answers were first given. */
export async function countChoices(db: Kysely<Database>, pollId: string): Promise<ChoiceCount[]> {
  const rows = await db
    .selectFrom('poll_responses')
    .select(['choice', sql<number>`count(*)::int`.as('votes')])
    .where('poll_id', '=', pollId)
    .groupBy('choice')
    .orderBy(sql`min(updated_at)`)
    .orderBy(sql`min(user_id)`)
    .execute();
  return rows.map((r) => ({ choice: r.choice, votes: Number(r.votes) }));
}

/** The user's answers to these polls (and when each was last changed), by poll id. */
export async function findChoices(
  db: Kysely<Database>,
  userId: string,
  pollIds: string[],
): Promise<Map<string, { choice: unknown; at: Date }>> {
  if (pollIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('poll_responses')
    .select(['poll_id', 'choice', 'updated_at'])
    .where('user_id', '=', userId)
    .where('poll_id', 'in', pollIds)
    .execute();
  return new Map(rows.map((r) => [r.poll_id, { choice: r.choice, at: r.updated_at }]));
}

/** The session's non-anonymous quiz polls (launched; closed only, when asked) and every answer to them. */
export async function quizAnswers(db: Kysely<Database>, sessionId: string, closedOnly = false) {
  let q = db
    .selectFrom('session_polls')
    .select(['id', 'correct_option', 'duration_seconds', 'opened_at'])
    .where('session_id', '=', sessionId)
    .where('correct_option', 'is not', null)
    .where('anonymous', '=', false);
  q = closedOnly ? q.where('status', '=', 'closed') : q.where('status', '<>', 'draft');
  const polls = await q.execute();
  if (polls.length === 0) return { polls, answers: [] };
  const answers = await db
    .selectFrom('poll_responses')
    .select(['poll_id', 'user_id', 'choice', 'updated_at'])
    .where(
      'poll_id',
      'in',
      polls.map((p) => p.id),
    )
    .execute();
  return { polls, answers };
}

/** Votes changed these polls' tallies: a poll:results is owed (flags cleared by the broadcast's transaction). */
export async function markBroadcastPending(db: Kysely<Database>, pollIds: string[], pending: boolean): Promise<void> {
  if (pollIds.length === 0) return;
  await db.updateTable('session_polls').set({ broadcast_pending: pending }).where('id', 'in', pollIds).execute();
}

/** Polls whose poll:results was still owed when the process stopped. */
export async function listPendingBroadcasts(db: Kysely<Database>): Promise<{ sessionId: string; id: string }[]> {
  return db.selectFrom('session_polls').select(['session_id as sessionId', 'id']).where('broadcast_pending', '=', true).execute();
}
