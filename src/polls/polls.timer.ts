import { handlePromiseError, type Log } from '../background.ts';
import type { Db } from '../db/kysely.ts';
import { listTimedPolls, type PollRow } from './polls.repo.ts';

/**
 * How often every node looks for timed polls past their time. A node's own timers close its polls on the second;
 * the sweep is for the rest: a poll opened on a node that died, a close that failed (the database away), a poll
 * whose timer this node never heard of.
 */
export const SWEEP_INTERVAL_MS = 5000;

type TimedPoll = Pick<PollRow, 'id' | 'session_id' | 'closes_at'>;

/**
 * Closes timed polls on time, server-side. `closeDue` is conditional in SQL (open and due), so several nodes, or a
 * timer and a sweep, firing for one poll close it once. Restart-safe: `start` schedules every open timed poll in the
 * database, those already past their time at once.
 */
export function createPollTimer(db: Db, log: Log, closeDue: (sessionId: string, pollId: string) => Promise<void>) {
  const timers = new Map<string, NodeJS.Timeout>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let stopped = false;

  /** Rejects only if logging does: a failed close is logged and left to the next sweep. */
  async function fire(poll: Pick<TimedPoll, 'id' | 'session_id'>): Promise<void> {
    try {
      await closeDue(poll.session_id, poll.id);
    } catch (err) {
      log.warn({ err, pollId: poll.id, sessionId: poll.session_id }, 'closing a timed poll failed; the sweep retries');
    }
  }

  async function sweep(): Promise<void> {
    for (const poll of await listTimedPolls(db, new Date())) {
      if (stopped) return;
      await fire(poll);
    }
  }

  function runSweep(): void {
    if (sweeping || stopped) return;
    sweeping = sweep()
      .catch((err: unknown) => log.warn({ err }, 'looking for timed polls past their time failed; the next sweep retries'))
      .finally(() => {
        sweeping = undefined;
      });
  }

  function schedule(poll: TimedPoll): void {
    if (stopped || !poll.closes_at) return;
    clearTimeout(timers.get(poll.id));
    const timer = setTimeout(
      () => {
        timers.delete(poll.id);
        handlePromiseError(fire(poll), log, 'closing a timed poll failed', { pollId: poll.id });
      },
      Math.max(0, poll.closes_at.getTime() - Date.now()),
    );
    timers.set(poll.id, timer);
  }

  return {
    /** A timed poll opened: it closes at its `closes_at`. */
    schedule,
    /** The poll closed otherwise (by a mentor, with the class): its timer is not needed. */
    cancel(pollId: string): void {
      clearTimeout(timers.get(pollId));
      timers.delete(pollId);
    },
    /** At start: every open timed poll gets its timer (overdue ones close now), and the sweep begins. */
    async start(): Promise<void> {
      for (const poll of await listTimedPolls(db)) schedule(poll);
      sweepTimer = setInterval(runSweep, SWEEP_INTERVAL_MS);
      sweepTimer.unref();
    },
    /** The app is closing: no more closes from this node (the next start, or another node, makes them). */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(sweepTimer);
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await sweeping;
    },
  };
}

export type PollTimer = ReturnType<typeof createPollTimer>;
