import { backoffMs, handlePromiseError, type Log } from '../background.ts';

/** The longest wait between two attempts of a failing flush (the database is away). */
const RETRY_MAX_MS = 30_000;

/**
 * Coalesces bursts into a bounded rate: after the first `mark(key)`, `flush(key)` runs once `intervalMs` later,
 * whatever number of marks arrived meanwhile. A vote burst on one poll becomes a few results broadcasts per second,
 * never one per vote. Marks during a running flush schedule one more.
 *
 * A flush that fails is logged and the key marked again, waiting longer after each failure: what it owed (a tally,
 * a count) goes out once the database answers, without waiting for another mark.
 */
export function createCoalescer(intervalMs: number, flush: (key: string) => Promise<void>, log: Log, what: string) {
  const timers = new Map<string, NodeJS.Timeout>();
  const failures = new Map<string, number>();
  let stopped = false;

  function schedule(key: string, delayMs: number) {
    if (stopped || timers.has(key)) return;
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        handlePromiseError(run(key), log, `${what} failed`, { key });
      }, delayMs),
    );
  }

  /** Rejects only if logging does: a failure is logged and retried here. */
  async function run(key: string): Promise<void> {
    try {
      await flush(key);
      if (failures.delete(key)) log.info({ key }, `${what}: sent after retrying`);
    } catch (err) {
      const attempts = (failures.get(key) ?? 0) + 1;
      failures.set(key, attempts);
      const retryInMs = backoffMs(attempts, Math.max(intervalMs, 100), RETRY_MAX_MS);
      log.warn({ err, key, attempts, retryInMs }, `${what} failed; retrying`);
      // A mark that arrived during the flush already scheduled one sooner; otherwise this one makes good the miss.
      schedule(key, retryInMs);
    }
  }

  return {
    mark(key: string): void {
      schedule(key, intervalMs);
    },
    /**
     * The app is closing: runs every pending flush now and refuses new marks. A flush that fails now is logged and
     * left to the next start (each feature keeps what it owes in the database and recovers it).
     */
    async stop(): Promise<void> {
      stopped = true;
      const keys = [...timers.keys()];
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.all(
        keys.map((key) =>
          flush(key).catch((err: unknown) => log.warn({ err, key }, `${what} failed while stopping; sent at the next start`)),
        ),
      );
    },
  };
}
