import type { Log } from '../background.ts';
import { createDueTimer } from '../classroom/due-timer.ts';
import type { Db } from '../db/kysely.ts';
import { warnAt } from './breakouts.changes.ts';
import { listActiveRounds, listDueRounds, type RoundRow } from './breakouts.repo.ts';

type TimedRound = Pick<RoundRow, 'id' | 'session_id' | 'status' | 'ends_at' | 'warning_seconds'>;

/**
 * Sends a round's warning and closes it on time, server-side. Its state is in the row (`status`, `ends_at`), so the
 * timers are restart-safe (due-timer.ts). `tick` decides under the class's lock what is due, so several nodes, or a
 * timer and the sweep, firing for one round act once; a timer that fires early (the end moved) just sets itself again.
 */
export function createRoundTimer(db: Db, log: Log, tick: (sessionId: string, roundId: string) => Promise<void>) {
  return createDueTimer<TimedRound>(db, log, {
    what: 'a breakout round timer',
    listAll: listActiveRounds,
    listDue: listDueRounds,
    // The next step: the warning while open, the end once closing; nothing once closed.
    dueAt: (round) => (round.status === 'closed' ? null : round.status === 'open' ? warnAt(round) : round.ends_at),
    fire: tick,
  });
}

export type RoundTimer = ReturnType<typeof createRoundTimer>;
