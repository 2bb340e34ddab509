import { handlePromiseError, type Log } from '../background.ts';
import type { Db } from '../db/kysely.ts';

/**
 * How often every node looks for things past their time. A node's own timers act on the second; the sweep is for
 * the rest: one set on a node that died, a step that failed (the database away), one this node never heard of.
 */
export const SWEEP_INTERVAL_MS = 5000;
/** A timer further away than this wakes early and is set again: setTimeout cannot wait 25 days, and need not. */
const LONGEST_WAIT_MS = 3_600_000;

/** Something in a session that must happen at a time kept in its row (a timed poll's close, a round's warning). */
export interface Timed {
  id: string;
  session_id: string;
}

export interface DueTimerOptions<T extends Timed> {
  /** Names the timer in logs ("closing a timed poll"). */
  what: string;
  /** Every item with a time still to come or past, at start. */
  listAll: (db: Db) => Promise<T[]>;
  /** The items whose time has come by `now`, for the sweep. */
  listDue: (db: Db, now: Date) => Promise<T[]>;
  /** When the item's next step is due; null when it has none. */
  dueAt: (item: T) => Date | null;
  /** Takes the step. Must be conditional in the database (due, not done), so that several nodes, or a timer and the sweep, act once. */
  fire: (sessionId: string, id: string) => Promise<void>;
}

/**
 * Server-side timers whose state lives in the rows, so they are restart-safe: `start` arms one for every item in the
 * database (those past their time fire at once), and a sweep on every node catches what a timer missed. A failed
 * step is logged and left to the next sweep.
 */
export function createDueTimer<T extends Timed>(db: Db, log: Log, options: DueTimerOptions<T>) {
  const timers = new Map<string, NodeJS.Timeout>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let stopped = false;

  /** Rejects only if logging does. */
  async function fire(item: Timed): Promise<void> {
    try {
      await options.fire(item.session_id, item.id);
    } catch (err) {
      log.warn({ err, id: item.id, sessionId: item.session_id }, `${options.what} failed; the sweep retries`);
    }
  }

  async function sweep(): Promise<void> {
    for (const item of await options.listDue(db, new Date())) {
      if (stopped) return;
      await fire(item);
    }
  }

  function runSweep(): void {
    if (sweeping || stopped) return;
    sweeping = sweep()
      .catch((err: unknown) => log.warn({ err }, `looking for what is due (${options.what}) failed; the next sweep retries`))
      .finally(() => {
        sweeping = undefined;
      });
  }

  function cancel(id: string): void {
    clearTimeout(timers.get(id));
    timers.delete(id);
  }

  /** Arms the item's next step at its due time (replacing any timer it had); nothing when it has none. */
  function schedule(item: T): void {
    cancel(item.id);
    const at = stopped ? null : options.dueAt(item);
    if (!at) return;
    const wait = Math.min(LONGEST_WAIT_MS, Math.max(0, at.getTime() - Date.now()));
    const timer = setTimeout(() => {
      timers.delete(item.id);
      handlePromiseError(fire(item), log, `${options.what} failed`, { id: item.id });
    }, wait);
    timers.set(item.id, timer);
  }

  return {
    schedule,
    /** The step happened otherwise (a mentor acted, the class ended): the timer is not needed. */
    cancel,
    /** At start: every item gets its timer (overdue ones fire now), and the sweep begins. */
    async start(): Promise<void> {
      for (const item of await options.listAll(db)) schedule(item);
      sweepTimer = setInterval(runSweep, SWEEP_INTERVAL_MS);
      sweepTimer.unref();
    },
    /** The app is closing: no more steps from this node (the next start, or another node, takes them). */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(sweepTimer);
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await sweeping;
    },
  };
}
