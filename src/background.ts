import type { FastifyBaseLogger } from 'fastify';

/** What background work logs through: the app's pino logger (`app.log`), or a test's. */
export type Log = Pick<FastifyBaseLogger, 'error' | 'warn' | 'info' | 'debug'>;

/**
 * Lets a promise run without anyone awaiting it, and logs its rejection with `context`. Node 24 exits on an
 * unhandled rejection, so no promise may be left to float: this is the one handler for those nobody waits for
 * (Immich's `handlePromiseError` is the model). Work whose failure must be made good uses `createRetries` instead.
 */
export function handlePromiseError(promise: Promise<unknown>, log: Log, what: string, context: Record<string, unknown> = {}): void {
  promise.catch((err: unknown) => log.error({ err, ...context }, what));
}

/** The wait before retry number `attempt` (1, 2, …): doubling from `baseMs` up to `maxMs`, with ±20 % jitter. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  const exact = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  // Jitter: a database that comes back must not be met by every retry of every room at the same instant.
  return Math.round(exact * (0.8 + Math.random() * 0.4));
}

export interface RetryOptions {
  /** The first wait after a failure. */
  baseMs?: number;
  /** The longest wait between two attempts (an outage is then retried this often). */
  maxMs?: number;
}

/**
 * Background work that must eventually happen (an attendance segment closed, a broadcast sent): it runs now and, while
 * it fails, again with backoff until it succeeds or the owner stops. Each failure is logged with its context and the
 * wait before the next attempt; a success after failures is logged too, so an operator sees the outage end.
 */
export function createRetries(log: Log, { baseMs = 500, maxMs = 30_000 }: RetryOptions = {}) {
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  async function attempt(n: number, what: string, context: Record<string, unknown>, work: () => Promise<void>): Promise<void> {
    if (stopped) return;
    try {
      await work();
      if (n > 1) log.info({ ...context, attempts: n }, `${what}: done after retrying`);
    } catch (err) {
      if (stopped) {
        log.warn({ err, ...context, attempts: n }, `${what} failed while stopping; left for the next start`);
        return;
      }
      const retryInMs = backoffMs(n, baseMs, maxMs);
      log.warn({ err, ...context, attempts: n, retryInMs }, `${what} failed; retrying`);
      const timer = setTimeout(() => {
        timers.delete(timer);
        handlePromiseError(attempt(n + 1, what, context, work), log, `${what}: retry failed`, context);
      }, retryInMs);
      timers.add(timer);
    }
  }

  return {
    /**
     * Runs `work` until it succeeds. Resolves after the first attempt, whether it succeeded or a retry is scheduled;
     * never rejects. `work` runs again as it is, so it checks on each run whether it is still wanted.
     */
    run(what: string, context: Record<string, unknown>, work: () => Promise<void>): Promise<void> {
      return attempt(1, what, context, work);
    },
    /** The owner is stopping: no more attempts (what is still owed is recovered at the next start). */
    stop(): void {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type Retries = ReturnType<typeof createRetries>;
