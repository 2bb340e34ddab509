import type { Kysely } from 'kysely';
import { writeInstant } from '../db/instants.ts';
import type { Database } from '../db/tables.ts';

export interface HandRow {
  user_id: string;
  name: string;
  raised_at: Date;
}

/**
 * Raises a hand; a hand already up keeps its place (`raised: false`: nothing changed). Returns when it went up.
 * Call it under the session lock, so that raise order is the order of `raised_at`.
 */
export async function raiseHand(db: Kysely<Database>, sessionId: string, userId: string): Promise<{ raisedAt: Date; raised: boolean }> {
  const inserted = await db
    .insertInto('session_hands')
    .values({ session_id: sessionId, user_id: userId, raised_at: writeInstant() })
    .onConflict((oc) => oc.columns(['session_id', 'user_id']).doNothing())
    .returning('raised_at')
    .executeTakeFirst();
  if (inserted) return { raisedAt: inserted.raised_at, raised: true };
  const row = await db
    .selectFrom('session_hands')
    .select('raised_at')
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return { raisedAt: row.raised_at, raised: false };
}

/** The sessions of a course where a user has a hand up. */
export async function sessionsWithHandOf(db: Kysely<Database>, courseId: string, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('session_hands as h')
    .innerJoin('live_sessions as s', 's.id', 'h.session_id')
    .select('h.session_id')
    .where('h.user_id', '=', userId)
    .where('s.course_id', '=', courseId)
    .orderBy('h.session_id')
    .execute();
  return rows.map((r) => r.session_id);
}

/** Lowers hands in one session: the given users' or, without `userIds`, everyone's. Returns how many were up. */
export async function lowerHands(db: Kysely<Database>, sessionId: string, userIds?: string[]): Promise<number> {
  if (userIds && userIds.length === 0) return 0;
  let q = db.deleteFrom('session_hands').where('session_id', '=', sessionId);
  if (userIds) q = q.where('user_id', 'in', userIds);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The queue, first raised first (ties, at the same microsecond, by user id), with names. */
export async function listHands(db: Kysely<Database>, sessionId: string, limit?: number): Promise<HandRow[]> {
  let q = db
    .selectFrom('session_hands as h')
    .innerJoin('users as u', 'u.id', 'h.user_id')
    .select(['h.user_id', 'u.name', 'h.raised_at'])
    .where('h.session_id', '=', sessionId)
    .orderBy('h.raised_at')
    .orderBy('h.user_id');
  if (limit !== undefined) q = q.limit(limit);
  return q.execute();
}

export async function countHands(db: Kysely<Database>, sessionId: string): Promise<number> {
  const row = await db
    .selectFrom('session_hands')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Notes that the queue's broadcast is owed (in the change's transaction). */
export async function markHandsPending(db: Kysely<Database>, sessionIds: string[]): Promise<void> {
  if (sessionIds.length === 0) return;
  await db.updateTable('live_sessions').set({ hands_broadcast_pending: true }).where('id', 'in', sessionIds).execute();
}

/** Clears the owed flag; false when it was not set (another node or an earlier flush sent the queue already). */
export async function clearHandsPending(db: Kysely<Database>, sessionId: string): Promise<boolean> {
  const row = await db
    .updateTable('live_sessions')
    .set({ hands_broadcast_pending: false })
    .where('id', '=', sessionId)
    .where('hands_broadcast_pending', '=', true)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Queues whose broadcast a stopped or crashed process still owed. */
export async function listPendingHandQueues(db: Kysely<Database>): Promise<{ sessionId: string; id: string }[]> {
  const rows = await db.selectFrom('live_sessions').select('id').where('hands_broadcast_pending', '=', true).execute();
  return rows.map((r) => ({ sessionId: r.id, id: r.id }));
}
