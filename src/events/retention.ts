import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../db/kysely.ts';

const HOUR_MS = 3600_000;
const DAY_MS = 86_400_000;
/** Rows one DELETE removes: a short statement, so the log's other writers never queue behind a long one. */
const DELETE_BATCH = 5000;
/** Sessions looked up per query; a run keeps going until none is left (or the app closes). */
const SESSIONS_PER_QUERY = 50;

export interface CompactOptions {
  retentionDays: number;
  now?: Date;
  deleteBatch?: number;
  /** Checked between statements: a closing app does not wait for a long backlog. */
  stopped?: () => boolean;
}

/** What one run dropped. */
export interface CompactResult {
  sessions: number;
  events: number;
}

// Ended sessions with something left to drop; the same condition as live_sessions_events_retention_idx.
const ENDED_WITH_EVENTS = sql`status IN ('completed', 'cancelled') AND (events_compacted_at IS NULL OR events_expired_through_seq < last_seq)`;

/**
 * Drops the events of classes that ended (completed, or cancelled) more than `retentionDays` ago. Per session: mark
 * how far the log is dropped (one short UPDATE; from then on readers of that range get EVENTS_EXPIRED), delete the
 * rows in small batches (no lock on the session row, so a class is never held up), then note it done. Every step
 * is idempotent, so nodes running it at once, or a run cut short and finished by the next, drop each row once.
 */
export async function compactExpiredEvents(db: Db, options: CompactOptions): Promise<CompactResult> {
  const { retentionDays, now = new Date(), deleteBatch = DELETE_BATCH, stopped = () => false } = options;
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const result: CompactResult = { sessions: 0, events: 0 };
  while (!stopped()) {
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM live_sessions
      WHERE ${ENDED_WITH_EVENTS} AND coalesce(actual_end, updated_at) < ${cutoff}
      ORDER BY coalesce(actual_end, updated_at) LIMIT ${SESSIONS_PER_QUERY}
    `.execute(db);
    if (rows.length === 0) break;
    for (const { id } of rows) {
      if (stopped()) break;
      result.events += await compactSession(db, id, cutoff, deleteBatch, stopped);
      result.sessions += 1;
    }
  }
  return result;
}

async function compactSession(db: Db, sessionId: string, cutoff: Date, deleteBatch: number, stopped: () => boolean): Promise<number> {
  const { rows: marked } = await sql<{ through: string | number }>`
    UPDATE live_sessions SET events_expired_through_seq = last_seq, events_compacted_at = NULL
    WHERE id = ${sessionId} AND ${ENDED_WITH_EVENTS} AND coalesce(actual_end, updated_at) < ${cutoff}
    RETURNING events_expired_through_seq AS through
  `.execute(db);
  if (!marked[0]) return 0;
  const through = Number(marked[0].through);
  const { rows: first } = await sql<{ seq: string | number | null }>`
    SELECT min(seq) AS seq FROM session_events WHERE session_id = ${sessionId}
  `.execute(db);
  let deleted = 0;
  // Seqs are gap-free, so a range of `deleteBatch` seqs is at most that many rows.
  for (let after = Number(first[0]?.seq ?? through + 1) - 1; after < through; after += deleteBatch) {
    if (stopped()) return deleted;
    const res = await sql`
      DELETE FROM session_events WHERE session_id = ${sessionId} AND seq > ${after} AND seq <= ${Math.min(after + deleteBatch, through)}
    `.execute(db);
    deleted += Number(res.numAffectedRows ?? 0);
  }
  await sql`
    UPDATE live_sessions SET events_compacted_at = now() WHERE id = ${sessionId} AND events_expired_through_seq = ${through}
  `.execute(db);
  return deleted;
}

export interface EventRetention {
  /** Stops the schedule and waits for a run under way to reach its next statement. */
  stop(): Promise<void>;
}

/**
 * Runs compactExpiredEvents once now and then every `intervalMs` (hourly). A failed run is logged with its error
 * and the next one retries: nothing is lost by waiting, the rows are only kept a little longer.
 */
export function startEventRetention(db: Db, opts: { retentionDays: number; log: FastifyBaseLogger; intervalMs?: number }): EventRetention {
  if (opts.retentionDays === 0) return { stop: async () => {} };
  let stopped = false;
  let running: Promise<void> | undefined;
  const run = () => {
    if (running || stopped) return;
    running = compactExpiredEvents(db, { retentionDays: opts.retentionDays, stopped: () => stopped })
      .then(
        (r) => {
          if (r.sessions > 0)
            opts.log.info({ sessions: r.sessions, events: r.events }, 'event retention: dropped the events of ended classes');
        },
        (err: unknown) => opts.log.error({ err }, 'event retention run failed; the next run retries'),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(run, opts.intervalMs ?? HOUR_MS);
  timer.unref();
  run();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
