import { type Kysely, sql } from 'kysely';
import { AUDIT_COLUMNS, type AuditEntry, auditRows } from '../audit/audit.repo.ts';
import { writeInstant } from '../db/instants.ts';
import type { Database } from '../db/tables.ts';

export interface HandRow {
  user_id: string;
  name: string;
  raised_at: Date;
}

/**
 * Raises a hand while the class is live, in one statement: the session row is locked (and must be live), the hand goes
 * in (one already up keeps its place), and only if it went in is the queue's broadcast marked owed and `audit`
 * written. One statement, so the session lock is held while PostgreSQL runs it, never across round trips through a
 * busy event loop: a raise holding the lock for four round trips held up every chat commit queued behind it
 * (docs/performance.md, "With reactions and hands"). The time is taken under the lock, so raise order is the order
 * of `raised_at`. `live: false` when the class is not live (or gone): nothing was written.
 */
export async function raiseHandWhileLive(
  db: Kysely<Database>,
  sessionId: string,
  userId: string,
  audit: AuditEntry,
): Promise<{ live: false } | { live: true; raisedAt: Date; raised: boolean }> {
  const { rows } = await sql<{ live: boolean; inserted: Date | null }>`
    WITH live AS (
      SELECT id FROM live_sessions WHERE id = ${sessionId} AND status = 'live' FOR NO KEY UPDATE
    ), raised AS (
      INSERT INTO session_hands (session_id, user_id, raised_at)
      SELECT id, ${userId}, ${writeInstant()} FROM live
      ON CONFLICT (session_id, user_id) DO NOTHING
      RETURNING raised_at
    ), owed AS (
      UPDATE live_sessions SET hands_broadcast_pending = true WHERE id = ${sessionId} AND EXISTS (SELECT 1 FROM raised)
    ), audited AS (
      INSERT INTO audit_log (${AUDIT_COLUMNS})
      SELECT ${AUDIT_COLUMNS} FROM ${auditRows([audit])} WHERE EXISTS (SELECT 1 FROM raised)
    )
    SELECT EXISTS (SELECT 1 FROM live) AS live, (SELECT raised_at FROM raised) AS inserted
  `.execute(db);
  const row = rows[0];
  if (!row?.live) return { live: false };
  if (row.inserted) return { live: true, raisedAt: row.inserted, raised: true };
  // Up already. Read by a statement of its own: this one's snapshot predates the wait for the lock, and may show a
  // hand since lowered and raised again. Gone meanwhile (lowered after the conflict): raise it again.
  const raisedAt = await handRaisedAt(db, sessionId, userId);
  if (!raisedAt) return raiseHandWhileLive(db, sessionId, userId, audit);
  return { live: true, raisedAt, raised: false };
}

async function handRaisedAt(db: Kysely<Database>, sessionId: string, userId: string): Promise<Date | undefined> {
  const row = await db
    .selectFrom('session_hands')
    .select('raised_at')
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.raised_at;
}

/**
 * Lowers one user's hand in one statement, for the same reason as `raiseHandWhileLive`: the session row is locked
 * first (the lock order every change uses), the hand comes down, and only if it was up is the queue's broadcast marked
 * owed and `audit` (when given) written. `found: false` when the session is gone.
 */
export async function lowerHandOf(
  db: Kysely<Database>,
  sessionId: string,
  userId: string,
  audit: AuditEntry | null,
): Promise<{ found: boolean; lowered: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const result = await lowerHandOnce(db, sessionId, userId, audit);
    // The DELETE reads the snapshot taken before the statement waited for the lock: a raise that committed during
    // that wait is invisible to it. A statement of its own sees it; then lower again.
    if (result.lowered || !result.found || attempt === 3 || !(await handRaisedAt(db, sessionId, userId))) return result;
  }
}

async function lowerHandOnce(
  db: Kysely<Database>,
  sessionId: string,
  userId: string,
  audit: AuditEntry | null,
): Promise<{ found: boolean; lowered: boolean }> {
  const audited = audit
    ? sql`, audited AS (
        INSERT INTO audit_log (${AUDIT_COLUMNS})
        SELECT ${AUDIT_COLUMNS} FROM ${auditRows([audit])} WHERE EXISTS (SELECT 1 FROM lowered)
      )`
    : sql``;
  const { rows } = await sql<{ found: boolean; lowered: boolean }>`
    WITH session AS (
      SELECT id FROM live_sessions WHERE id = ${sessionId} FOR NO KEY UPDATE
    ), lowered AS (
      DELETE FROM session_hands WHERE session_id = (SELECT id FROM session) AND user_id = ${userId} RETURNING user_id
    ), owed AS (
      UPDATE live_sessions SET hands_broadcast_pending = true WHERE id = ${sessionId} AND EXISTS (SELECT 1 FROM lowered)
    )${audited}
    SELECT EXISTS (SELECT 1 FROM session) AS found, EXISTS (SELECT 1 FROM lowered) AS lowered
  `.execute(db);
  return { found: rows[0]?.found === true, lowered: rows[0]?.lowered === true };
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
