import { randomUUID } from 'node:crypto';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { backoffMs, handlePromiseError, type Log } from '../background.ts';
import type { Db } from '../db/kysely.ts';
import { sendWebhook } from './sender.ts';
import type { WebhookConfig } from './webhooks.config.ts';
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  markDelivered,
  markFailed,
  noteEndpointFailure,
  pruneDelivered,
  releaseClaim,
  storableText,
} from './delivery.repo.ts';

/** How many attempts one node has under way at once; a slot that frees up is filled at once, not with a batch. */
const SLOTS = 10;
/** How many attempts one endpoint has under way at once, across nodes: a dead receiver holds two slots, not all. */
export const PER_ENDPOINT = 2;
/** How long the log of a made delivery is kept (what is owed is kept until delivered), and how often it is pruned. */
export const DELIVERY_LOG_DAYS = 30;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** The wait before retry `attempt` (1, 2, …): doubling from `baseMs`, with ±20 % jitter, never longer than `maxMs`. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, backoffMs(attempt, baseMs, maxMs));
}

/**
 * Delivers the outbox: every `pollMs` (or at once after `kick`), claims due deliveries with a lease, sends each
 * signed, and records the outcome under its claim. A failure is retried with exponential backoff and jitter; an
 * endpoint whose attempts have all failed for `disableAfterMs` is disabled (reason and time in GET /api/webhooks).
 * Several nodes may run it: a claim is one node's until its lease runs out. At-least-once: a process killed between
 * sending and recording sends again after the lease, with the same webhook-id.
 */
export function createWebhookWorker(db: Db, config: WebhookConfig, log: Log) {
  const token = randomUUID();
  // Longer than one attempt can take (the timeout bounds it), so a live attempt is never taken for abandoned.
  const leaseMs = 2 * config.timeoutMs + 1000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = true;
  let prunedAt = 0;
  let failedPasses = 0;
  // The attempts under way on this node; stop() waits for them (each is bounded by the timeout or cut off).
  const inFlight = new Set<Promise<void>>();
  // Cuts off attempts under way when the app closes: a hung receiver must not hold up a graceful shutdown.
  let stopping = new AbortController();

  async function deliver(d: ClaimedDelivery): Promise<void> {
    const body = JSON.stringify(d.payload);
    const outcome = await sendWebhook({ url: d.url, secret: d.secret, eventId: d.event_id, body, ...config, signal: stopping.signal });
    const at = new Date();
    try {
      await record(d, outcome, at);
    } catch (err) {
      // Left claimed, it would wait out its lease, and be retried every lease forever if the outcome itself cannot be
      // stored: it is given back with a backoff instead (if the database is away, the lease still brings it back).
      log.error({ err, deliveryId: d.id }, 'recording a webhook outcome failed; the delivery is released for a retry');
      await releaseClaim(db, d, token, at, retryAt(d, at));
    }
  }

  const retryAt = (d: ClaimedDelivery, at: Date) =>
    new Date(at.getTime() + retryDelayMs(d.attempts + 1, config.retryBaseMs, config.retryMaxMs));

  async function record(d: ClaimedDelivery, outcome: Awaited<ReturnType<typeof sendWebhook>>, at: Date): Promise<void> {
    if (outcome.interrupted) {
      // Due again at once for the next process (no lease to wait out), not counted as an attempt, and not held
      // against the receiver.
      await markFailed(db, d, token, at, { ...outcome, retryAt: at });
      return;
    }
    if (outcome.ok) {
      if (!(await markDelivered(db, d, token, at, outcome.status ?? 200)))
        log.warn({ deliveryId: d.id }, 'webhook delivered after its claim was lost');
      return;
    }
    if (!(await markFailed(db, d, token, at, { ...outcome, retryAt: retryAt(d, at) }))) return;
    const disableBefore = new Date(at.getTime() - config.disableAfterMs);
    const reason = `Every delivery attempt failed for ${Math.round(config.disableAfterMs / 3_600_000)} h; last: ${outcome.error ?? 'failed'}`;
    const disabled = await db.transaction().execute(async (trx) => {
      const row = await noteEndpointFailure(trx, d.endpoint_id, at, disableBefore, storableText(reason.slice(0, 1000)));
      const target = { type: 'webhook', id: d.endpoint_id };
      if (row) await insertAuditEntry(trx, auditEntry(null, 'webhook.disabled', target, 'success', { reason: row.disabled_reason }));
      return row;
    });
    if (disabled) log.warn({ endpointId: d.endpoint_id, url: disabled.url }, 'webhook endpoint disabled after a day of failures');
  }

  async function pass(): Promise<void> {
    if (Date.now() - prunedAt >= PRUNE_EVERY_MS) {
      prunedAt = Date.now();
      const pruned = await pruneDelivered(db, new Date(prunedAt - DELIVERY_LOG_DAYS * 86_400_000));
      if (pruned.deliveries + pruned.events > 0) log.info(pruned, 'webhook delivery log: dropped deliveries made over 30 days ago');
    }
    do {
      again = false;
      const free = SLOTS - inFlight.size;
      if (free <= 0) return;
      const claimed = await claimDueDeliveries(db, token, new Date(), leaseMs, free, PER_ENDPOINT);
      for (const d of claimed) start(d);
      // Every free slot filled: more may be due now (the next free slot asks again too).
      if (claimed.length === free) again = true;
    } while (again && !stopped);
  }

  function start(d: ClaimedDelivery): void {
    const attempt = deliver(d)
      .catch((err: unknown) => log.error({ err, deliveryId: d.id }, 'releasing a webhook delivery failed; it is retried after its lease'))
      .finally(() => {
        inFlight.delete(attempt);
        // A slot is free: fill it now rather than at the next poll.
        run();
      });
    inFlight.add(attempt);
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = pass()
      .then(() => {
        failedPasses = 0;
      })
      .catch((err: unknown) => {
        failedPasses++;
        log.warn({ err, failedPasses }, 'webhook worker pass failed (database away?); trying again with backoff');
      })
      .finally(() => {
        running = undefined;
        // While the database is away, one line per pass at a slowing rate, not one a second.
        const waitMs = failedPasses === 0 ? config.pollMs : backoffMs(failedPasses, config.pollMs, 30_000);
        if (!stopped) timer = setTimeout(run, waitMs);
      });
  }

  return {
    start(): void {
      stopped = false;
      stopping = new AbortController();
      run();
    },
    /** Something became due on this node (a redelivery): look now rather than at the next pass. */
    kick(): void {
      if (!stopped) handlePromiseError(Promise.resolve().then(run), log, 'kicking the webhook worker failed');
    },
    /** Stops passing; waits for a pass under way (its attempts are bounded by the timeout). */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      stopping.abort();
      await running;
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;
