import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Db } from './kysely.ts';

/** Socket and network failures: the database host is down, unreachable or dropped us. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/**
 * SQLSTATEs that mean "the server cannot serve you now", not "your statement is wrong": class 08 (connection
 * exception), 57P01–57P03 (admin or crash shutdown, starting up), 53300 (too many connections).
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/**
 * What pg, pg-pool, Kysely and PGlite throw without a code when the connection is gone: a dropped or timed-out
 * connection, a pool that cannot hand out a client in time, a driver or embedded database already closed.
 * A query read timeout counts too: the server did not answer for `query_timeout` (20 s), which is a stalled database.
 */
const MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end|driver has already been destroyed|Query read timeout|PGlite is closed)/;

/**
 * Whether an error means the database is unavailable (retry later) rather than a bug or a bad request. The one place
 * that decides it: the HTTP error handler, socket acks, the handshake and /healthz all ask here. Follows `cause` and
 * AggregateError's `errors` (a connect to a host with several addresses fails with one error per address).
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 4) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (MESSAGES.test(err.message)) return true;
  if (err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable(err.cause, depth + 1);
}

/** What a client is told: how long to wait before retrying (REST `Retry-After`, in seconds). */
export const RETRY_AFTER_SECONDS = 5;

export interface OutageLog {
  /** Call with any failure: true (and counted in the episode) when it is the database being unavailable. */
  report: (err: unknown) => boolean;
  /** Call after the database answered (e.g. /healthz): ends an episode now instead of at the next probe. */
  recovered: () => void;
  /** The app is closing: stop probing. */
  stop: () => void;
}

/**
 * Logs a database outage once per episode: one error line at the first failure, one warn line when the database
 * answers again (with how long it lasted and how many requests were refused), instead of an error line per request
 * (hundreds a second in a live class). While an episode is open, the database is probed every `probeMs` so its end
 * is noticed even if no request comes. Requests still always try the database: nothing is refused on this state.
 */
export function createOutageLog(db: Db, log: FastifyBaseLogger, { probeMs = 1000 } = {}): OutageLog {
  let since: number | undefined;
  let refused = 0;
  let probe: NodeJS.Timeout | undefined;
  let stopped = false;

  const end = () => {
    if (since === undefined) return;
    log.warn({ outageMs: Date.now() - since, refused }, 'database available again');
    since = undefined;
    clearTimeout(probe);
    probe = undefined;
  };

  const scheduleProbe = () => {
    if (stopped) return;
    // A chain of timeouts, not an interval: a probe may wait the pool's connect timeout, and must not overlap.
    probe = setTimeout(() => {
      sql`SELECT 1`.execute(db).then(end, (err: unknown) => {
        if (since !== undefined && !isDatabaseUnavailable(err)) log.warn({ err }, 'database probe failed');
        if (since !== undefined) scheduleProbe();
      });
    }, probeMs).unref();
  };

  return {
    report(err) {
      if (!isDatabaseUnavailable(err)) return false;
      refused++;
      if (since === undefined && !stopped) {
        since = Date.now();
        refused = 1;
        log.error({ err }, 'database unavailable: answering 503 SERVICE_UNAVAILABLE / UNAVAILABLE until it is back');
        scheduleProbe();
      }
      return true;
    },
    recovered: end,
    stop() {
      stopped = true;
      clearTimeout(probe);
    },
  };
}
