import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables.ts';

type Q = Kysely<Database>;

/* The worker's queries: claim due deliveries under a lease, record each outcome under its claim, prune the log. */

export interface ClaimedDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  url: string;
  secret: string;
  payload: unknown;
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints for `leaseMs`: another node (or this one, after a crash)
 * takes a delivery again only once its lease ran out. SKIP LOCKED keeps nodes from waiting on each other's claims.
 * An endpoint with `perEndpoint` deliveries under a live claim (on any node) gets no more, so one slow or dead
 * receiver cannot take every slot from the others; each endpoint is looked at through its own index range, so a
 * large backlog costs nothing here.
 */
export async function claimDueDeliveries(
  db: Q,
  token: string,
  now: Date,
  leaseMs: number,
  limit: number,
  perEndpoint: number,
): Promise<ClaimedDelivery[]> {
  const until = new Date(now.getTime() + leaseMs);
  const { rows } = await sql<ClaimedDelivery>`
    WITH candidate AS (
      SELECT c.id, c.next_attempt_at FROM webhook_endpoints ep
      CROSS JOIN LATERAL (
        SELECT d.id, d.next_attempt_at FROM webhook_deliveries d
        WHERE d.endpoint_id = ep.id AND d.state = 'pending' AND d.next_attempt_at <= ${now}
          AND (d.claimed_until IS NULL OR d.claimed_until < ${now})
        ORDER BY d.next_attempt_at
        LIMIT greatest(0, ${perEndpoint} - (
          SELECT count(*) FROM webhook_deliveries b
          WHERE b.endpoint_id = ep.id AND b.state = 'pending' AND b.claimed_until >= ${now}
        ))
      ) c
      WHERE ep.enabled
    ), due AS (
      SELECT d.id FROM webhook_deliveries d JOIN candidate ON candidate.id = d.id
      WHERE d.state = 'pending' AND (d.claimed_until IS NULL OR d.claimed_until < ${now})
      ORDER BY candidate.next_attempt_at LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED
    ), claimed AS (
      UPDATE webhook_deliveries d SET claimed_until = ${until}, claim_token = ${token}
      FROM due WHERE d.id = due.id
      RETURNING d.id, d.endpoint_id, d.event_id, d.attempts
    )
    SELECT c.id, c.endpoint_id, c.event_id, c.attempts, ep.url, ep.secret, e.payload
    FROM claimed c JOIN webhook_endpoints ep ON ep.id = c.endpoint_id JOIN webhook_events e ON e.id = c.event_id
  `.execute(db);
  return rows;
}

/** Marks a claimed delivery delivered; false when the claim was lost (another worker took it after the lease). */
export async function markDelivered(db: Q, d: ClaimedDelivery, token: string, at: Date, status: number): Promise<boolean> {
  const res = await db
    .updateTable('webhook_deliveries')
    .set({
      state: 'delivered',
      delivered_at: at,
      attempts: d.attempts + 1,
      last_attempt_at: at,
      last_status: status,
      last_error: null,
      claimed_until: null,
    })
    .where('id', '=', d.id)
    .where('claim_token', '=', token)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) return false;
  await db.updateTable('webhook_endpoints').set({ failing_since: null }).where('id', '=', d.endpoint_id).execute();
  return true;
}

/**
 * Text from outside (a receiver's answer, a network error) as PostgreSQL can store it: a NUL byte would make the
 * update fail, and other control characters only garble the log.
 */
export function storableText<T extends string | null>(text: T): T {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  return (text === null ? null : text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd')) as T;
}

/**
 * Records a failed attempt and when to try again; false when the claim was lost. `interrupted` (the service was
 * stopping) is not counted as an attempt: the receiver was not given its chance.
 */
export async function markFailed(
  db: Q,
  d: ClaimedDelivery,
  token: string,
  at: Date,
  outcome: { status: number | null; error: string | null; retryAt: Date; interrupted?: boolean },
): Promise<boolean> {
  const res = await db
    .updateTable('webhook_deliveries')
    .set({
      attempts: outcome.interrupted ? d.attempts : d.attempts + 1,
      last_attempt_at: at,
      last_status: outcome.status,
      last_error: storableText(outcome.error),
      next_attempt_at: outcome.retryAt,
      claimed_until: null,
    })
    .where('id', '=', d.id)
    .where('claim_token', '=', token)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/**
 * Gives a claimed delivery back, due at `retryAt`, when its outcome could not be recorded: it is tried again after a
 * backoff rather than after the whole lease (or, every lease, forever). No-op when the claim was already settled.
 */
export async function releaseClaim(db: Q, d: ClaimedDelivery, token: string, at: Date, retryAt: Date): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      attempts: d.attempts + 1,
      last_attempt_at: at,
      last_error: 'the outcome of this attempt could not be recorded; tried again',
      next_attempt_at: retryAt,
      claimed_until: null,
    })
    .where('id', '=', d.id)
    .where('claim_token', '=', token)
    .where('claimed_until', 'is not', null)
    .where('state', '=', 'pending')
    .execute();
}

/**
 * Notes a failure on the endpoint (its run of failures starts now if none was running) and disables it when the run
 * began at or before `disableBefore`. Returns the endpoint when this call disabled it.
 */
export async function noteEndpointFailure(db: Q, endpointId: string, at: Date, disableBefore: Date, reason: string) {
  await db
    .updateTable('webhook_endpoints')
    .set({ failing_since: sql`coalesce(failing_since, ${at})` })
    .where('id', '=', endpointId)
    .execute();
  return db
    .updateTable('webhook_endpoints')
    .set({ enabled: false, disabled_at: at, disabled_reason: reason, updated_at: at })
    .where('id', '=', endpointId)
    .where('enabled', '=', true)
    .where('failing_since', '<=', disableBefore)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Drops the log of deliveries made before `before`, and the events nothing refers to any more, `batch` rows per
 * statement so no statement grows with the backlog (an hourly prune must never turn into one that times out every
 * hour). What is still owed (pending, at any age) is kept, and so is its event.
 */
export async function pruneDelivered(db: Q, before: Date, batch = 1000): Promise<{ deliveries: number; events: number }> {
  let deliveries = 0;
  let events = 0;
  for (let n = batch; n === batch; deliveries += n) {
    const { rows } = await sql<{ n: string }>`
      WITH gone AS (
        DELETE FROM webhook_deliveries WHERE id IN (
          SELECT id FROM webhook_deliveries WHERE state = 'delivered' AND delivered_at < ${before} LIMIT ${batch}
        ) RETURNING 1
      ) SELECT count(*) AS n FROM gone
    `.execute(db);
    n = Number(rows[0]?.n ?? 0);
  }
  for (let n = batch; n === batch; events += n) {
    const { rows } = await sql<{ n: string }>`
      WITH gone AS (
        DELETE FROM webhook_events WHERE id IN (
          SELECT e.id FROM webhook_events e
          WHERE e.created_at < ${before} AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
          LIMIT ${batch}
        ) RETURNING 1
      ) SELECT count(*) AS n FROM gone
    `.execute(db);
    n = Number(rows[0]?.n ?? 0);
  }
  return { deliveries, events };
}
