import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables.ts';

/** A draft event: its name and payload, before the session's log gives it a `seq`. */
export interface EventDraft {
  event: string;
  payload: Record<string, unknown>;
}

/** An event in a session's log; the payload carries the same `seq`. */
export interface StoredEvent {
  seq: number;
  event: string;
  payload: Record<string, unknown> & { seq: number };
}

/**
 * Appends events to the session's log inside the caller's transaction. The range of `seq` comes from
 * live_sessions.last_seq, whose row lock is held until commit: seqs are gap-free, and commit order is seq order.
 */
export async function appendEvents(db: Kysely<Database>, sessionId: string, drafts: EventDraft[]): Promise<StoredEvent[]> {
  if (drafts.length === 0) return [];
  const { last_seq } = await db
    .updateTable('live_sessions')
    .set({ last_seq: sql<number>`last_seq + ${drafts.length}` })
    .where('id', '=', sessionId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const first = Number(last_seq) - drafts.length + 1;
  const events = drafts.map((d, i) => ({ seq: first + i, event: d.event, payload: { seq: first + i, ...d.payload } }));
  await db
    .insertInto('session_events')
    .values(events.map((e) => ({ session_id: sessionId, seq: e.seq, event: e.event, payload: JSON.stringify(e.payload) })))
    .execute();
  return events;
}

/** Events with since < seq ≤ upTo (when given), in order, at most `limit`. */
export async function listEventsAfter(
  db: Kysely<Database>,
  sessionId: string,
  since: number,
  limit: number,
  upTo?: number,
): Promise<StoredEvent[]> {
  let q = db
    .selectFrom('session_events')
    .select(['seq', 'event', 'payload'])
    .where('session_id', '=', sessionId)
    .where('seq', '>', since);
  if (upTo !== undefined) q = q.where('seq', '<=', upTo);
  const rows = await q.orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ seq: Number(r.seq), event: r.event, payload: r.payload as StoredEvent['payload'] }));
}

/** The session's last allocated (and committed) seq. */
export async function lastSeq(db: Kysely<Database>, sessionId: string): Promise<number> {
  const row = await db.selectFrom('live_sessions').select('last_seq').where('id', '=', sessionId).executeTakeFirst();
  return Number(row?.last_seq ?? 0);
}
