import { handlePromiseError, type Log } from './background.ts';

/** How long `stop` waits for work that ignores the abort (a token request): its lease then simply expires. */
const STOP_WAIT_MS = 5000;

export interface JobPumpOptions<T> {
  /** Names the worker in logs ("meeting worker"). */
  what: string;
  log: Log;
  /** Jobs run at once. */
  concurrency: number;
  /** Other nodes' jobs and expired leases are noticed at least this often. */
  pollMs: number;
  /** Claims one due job with a lease; undefined when none is due. */
  claim: () => Promise<T | undefined>;
  /** Does one claimed job and records its outcome; `signal` aborts when the pump stops. A rejection is logged. */
  run: (job: T, signal: AbortSignal) => Promise<void>;
  /** When the next job falls due (a retry's time), if any. */
  nextDueAt: () => Promise<Date | undefined>;
}

/**
 * The loop of every leased job queue here (meeting links, grades to the LMS): up to `concurrency` jobs at once, a
 * finished one pulls the next, a kick (after a commit owed a job) looks at once, and otherwise a timer wakes at the next
 * due time, or `pollMs`. The jobs live in the database, so stopping loses nothing: work under way is aborted, and a job
 * its worker did not release is claimed again once its lease expires.
 */
export function createJobPump<T>(o: JobPumpOptions<T>) {
  const inflight = new Set<Promise<void>>();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  let again = false;
  // pump() catches what it can foresee; anything else is logged, and the next kick or the poll timer pumps again.
  const pumpNow = () => handlePromiseError(pump(), o.log, `${o.what} failed`);
  const stopped = () => abort.signal.aborted;

  function wakeIn(ms: number) {
    clearTimeout(timer);
    if (stopped()) return;
    timer = setTimeout(pumpNow, Math.max(10, Math.min(ms, o.pollMs)));
    timer.unref();
  }

  function start(job: T) {
    const run: Promise<void> = o
      .run(job, abort.signal)
      .catch((err: unknown) => o.log.error({ err }, `${o.what}: a job failed unexpectedly`))
      .finally(() => {
        inflight.delete(run);
        pumpNow();
      });
    inflight.add(run);
  }

  async function pump(): Promise<void> {
    if (stopped()) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      let due: Date | undefined;
      do {
        again = false;
        while (!stopped() && inflight.size < o.concurrency) {
          const job = await o.claim();
          if (!job) break;
          start(job);
        }
        due = inflight.size < o.concurrency ? await o.nextDueAt() : undefined;
      } while (again && !stopped()); // a kick during the reads above may concern a job they did not see
      // When every slot is busy, a finishing job pumps again; no timer, or due jobs would spin it.
      wakeIn(due ? due.getTime() - Date.now() : o.pollMs);
    } catch (err) {
      if (!stopped()) o.log.error({ err }, `${o.what} could not read its jobs`);
      wakeIn(o.pollMs / 6);
    } finally {
      pumping = false;
    }
  }

  return {
    /** Looks for due work now (after a job was committed). */
    kick: pumpNow,
    start: pumpNow,
    /** True once `stop` was called: a job cut off then is left (or released) for the next start. */
    stopped,
    /** Stops taking jobs; jobs under way are aborted, and waited for a few seconds at most. */
    async stop(): Promise<void> {
      abort.abort();
      clearTimeout(timer);
      await Promise.race([Promise.allSettled([...inflight]), new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    },
  };
}
