import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { RoomEventName, RoomPayload } from '../realtime/protocol.ts';
import { enqueueRoomWebhooks } from '../webhooks/room-events.ts';

/**
 * A draft event: its name and payload, before the session's log gives it a `seq`. Derived from the protocol, so a
 * misspelt event or a wrong payload field in any feature's change fails the type check.
 */
export type EventDraft = { [K in RoomEventName]: { event: K; payload: Omit<RoomPayload<K>, 'seq'> } }[RoomEventName];

/** An event in a session's log; the payload carries the same `seq`. */
export type StoredEvent = { [K in RoomEventName]: { seq: number; event: K; payload: RoomPayload<K> } }[RoomEventName];

/**
 * Appends events to the session's log inside the caller's transaction. The range of `seq` comes from
 * live_sessions.last_seq, whose row lock is held until commit: seqs are gap-free, and commit order is seq order.
 * One statement takes the range and writes the events: every change then holds the session's lock one database
 * round trip less, and the changes of a busy class (chat, upvote and vote results) queue less behind each other.
 */
export async function appendEvents(db: Kysely<Database>, sessionId: string, drafts: EventDraft[]): Promise<StoredEvent[]> {
  if (drafts.length === 0) return [];
  const n = drafts.length;
  const { rows } = await sql<{ seq: string }>`
    WITH allocated AS (
      UPDATE live_sessions SET last_seq = last_seq + ${n} WHERE id = ${sessionId} RETURNING last_seq
    )
    INSERT INTO session_events (session_id, seq, event, payload)
    SELECT ${sessionId}, allocated.last_seq - ${n} + d.ord, d.draft->>'event',
           jsonb_build_object('seq', allocated.last_seq - ${n} + d.ord) || (d.draft->'payload')
    FROM allocated, jsonb_array_elements(${JSON.stringify(drafts.map((d) => ({ event: d.event, payload: d.payload })))}::jsonb) WITH ORDINALITY AS d(draft, ord)
    RETURNING seq
  `.execute(db);
  if (rows.length !== n) throw new Error(`Live session ${sessionId} was not found`);
  const first = rows.reduce((min, r) => Math.min(min, Number(r.seq)), Number.POSITIVE_INFINITY);
  // A spread over a union of payloads loses which payload goes with which name; each draft was checked already.
  const stored = drafts.map((d, i) => ({ seq: first + i, event: d.event, payload: { seq: first + i, ...d.payload } }) as StoredEvent);
  // Webhooks (issue 16): the outbox is written in the same transaction as the log, so both commit or neither does.
  await enqueueRoomWebhooks(db, sessionId, stored);
  return stored;
}

/** Events with since < seq ≤ upTo (when given), in order, at most `limit`. */
export async function listEventsAfter(
  db: Kysely<Database>,
  sessionId: string,
  since: number,
  limit: number,
  upTo?: number,
): Promise<StoredEvent[]> {
  let q = db.selectFrom('session_events').select(['seq', 'event', 'payload']).where('session_id', '=', sessionId).where('seq', '>', since);
  if (upTo !== undefined) q = q.where('seq', '<=', upTo);
  const rows = await q.orderBy('seq').limit(limit).execute();
  // The log holds only what appendEvents wrote, each event checked against the protocol when it was drafted.
  return rows.map((r) => ({ seq: Number(r.seq), event: r.event, payload: r.payload }) as StoredEvent);
}

/** The session's last allocated (and committed) seq. */
export async function lastSeq(db: Kysely<Database>, sessionId: string): Promise<number> {
  const row = await db.selectFrom('live_sessions').select('last_seq').where('id', '=', sessionId).executeTakeFirst();
  return Number(row?.last_seq ?? 0);
}

/** The session's last seq and how far retention dropped its log (0: nothing dropped); undefined when unknown. */
export async function logBounds(db: Kysely<Database>, sessionId: string): Promise<{ lastSeq: number; expiredThrough: number } | undefined> {
  const row = await db
    .selectFrom('live_sessions')
    .select(['last_seq', 'events_expired_through_seq'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  return row && { lastSeq: Number(row.last_seq), expiredThrough: Number(row.events_expired_through_seq) };
}
