import { handlePromiseError, type Log } from '../background.ts';
import type { Db } from '../db/kysely.ts';
import { warnAt } from './breakouts.changes.ts';
import { listActiveRounds, listDueRounds, type RoundRow } from './breakouts.repo.ts';

/** How often every node looks for rounds whose warning or end has come (see polls.timer.ts for why a sweep). */
export const SWEEP_INTERVAL_MS = 5000;
/** A timer further away than this wakes early and is set again: setTimeout cannot wait 25 days, and need not. */
const LONGEST_WAIT_MS = 3_600_000;

type TimedRound = Pick<RoundRow, 'id' | 'session_id' | 'status' | 'ends_at' | 'warning_seconds'>;

/**
 * Sends a round's warning and closes it on time, server-side. Its state is in the row (`status`, `ends_at`), so the
 * timers are restart-safe: `start` arms one for every round not closed (those past their time fire at once). `tick`
 * decides under the class's lock what is due, so several nodes, or a timer and the sweep, firing for one round act
 * once; a timer that fires early (the end moved) just sets itself again.
 */
export function createRoundTimer(db: Db, log: Log, tick: (sessionId: string, roundId: string) => Promise<void>) {
  const timers = new Map<string, NodeJS.Timeout>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let stopped = false;

  /** Rejects only if logging does: a failed tick is logged and left to the next sweep. */
  async function fire(round: Pick<TimedRound, 'id' | 'session_id'>): Promise<void> {
    try {
      await tick(round.session_id, round.id);
    } catch (err) {
      log.warn({ err, roundId: round.id, sessionId: round.session_id }, 'a breakout round timer failed; the sweep retries');
    }
  }

  async function sweep(): Promise<void> {
    for (const round of await listDueRounds(db, new Date())) {
      if (stopped) return;
      await fire(round);
    }
  }

  function runSweep(): void {
    if (sweeping || stopped) return;
    sweeping = sweep()
      .catch((err: unknown) => log.warn({ err }, 'looking for breakout rounds past their time failed; the next sweep retries'))
      .finally(() => {
        sweeping = undefined;
      });
  }

  /** Arms the round's next step: its warning while open, its end once closing; nothing once closed. */
  function schedule(round: TimedRound): void {
    clearTimeout(timers.get(round.id));
    timers.delete(round.id);
    if (stopped || round.status === 'closed') return;
    const at = round.status === 'open' ? warnAt(round) : round.ends_at;
    const wait = Math.min(LONGEST_WAIT_MS, Math.max(0, at.getTime() - Date.now()));
    const timer = setTimeout(() => {
      timers.delete(round.id);
      handlePromiseError(fire(round), log, 'a breakout round timer failed', { roundId: round.id });
    }, wait);
    timers.set(round.id, timer);
  }

  return {
    schedule,
    /** The round closed otherwise: its timer is not needed. */
    cancel(roundId: string): void {
      clearTimeout(timers.get(roundId));
      timers.delete(roundId);
    },
    /** At start: every round not closed gets its timer (overdue ones fire now), and the sweep begins. */
    async start(): Promise<void> {
      for (const round of await listActiveRounds(db)) schedule(round);
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

export type RoundTimer = ReturnType<typeof createRoundTimer>;
