import type { Actor } from '../auth/actor.ts';
import { createRetries } from '../background.ts';
import { SWEEP_INTERVAL_MS } from '../classroom/due-timer.ts';
import { endSessionWithin } from '../sessions/session-lifecycle.ts';
import type { BreakoutDeps } from './breakouts.changes.ts';
import { listOwedRooms, listRoomsOf } from './breakouts.repo.ts';

/**
 * A round closed by another node a moment ago is still being ended there: the sweep here leaves it this long. (At
 * start nothing is waited for: the rooms of this node's last life are owed now.)
 */
const OTHER_NODE_GRACE_MS = 60_000;

interface OwedRoom {
  session_id: string;
  round_id: string;
  /** When it ends: its round's close. */
  at: Date;
}

/**
 * How a closed round's rooms end: after the round's own commit, each room in its own transaction through the ordinary
 * session end (its lock only, never the class's: closing 500 rooms must not hold the class's chat for seconds), one
 * after another in the background, a failure retried. Restart-safe: the rooms left live by a stopped process (or
 * another node's) are found from the rows, at start and by a sweep on every node. Ending is guarded by the room being
 * live, so any number of nodes ending one room end it once.
 */
export function createRoomEnds(deps: BreakoutDeps) {
  const { db, log } = deps;
  const retries = createRetries(log);
  /** Rooms this node is ending now: its sweep does not start them twice. */
  const ending = new Set<string>();
  const running = new Set<Promise<void>>();
  let sweepTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  /**
   * One room ends (no-op once it has), and its room hears of it after the commit. Lock order: the room's row, then its
   * own rows (attendance, polls, hands, meeting jobs); no session-end hook locks the class, and whatever locks both
   * (the meeting worker) takes the class first, so this never waits for the class while holding a room.
   */
  async function endRoom(sessionId: string, actor: Actor | null, at: Date): Promise<void> {
    const ended = await db
      .transaction()
      .execute((trx) => endSessionWithin(trx, { ...deps.lifecycle, publish: deps.publish }, actor, sessionId, at));
    ended?.publish();
  }

  /** Ends the rooms one after another; a failed one is retried in the background until it ends or the node stops. */
  async function endAll(rooms: OwedRoom[], actor: Actor | null): Promise<void> {
    const todo = rooms.filter((room) => !ending.has(room.session_id));
    for (const room of todo) ending.add(room.session_id);
    try {
      for (const room of todo) {
        if (stopped) return;
        const context = { roundId: room.round_id, sessionId: room.session_id };
        await retries.run('ending a breakout room of a closed round', context, () => endRoom(room.session_id, actor, room.at));
      }
    } finally {
      for (const room of todo) ending.delete(room.session_id);
    }
  }

  /** The rooms left live of closed rounds (`closedBefore` spares those another node is still ending). */
  async function endOwed(closedBefore?: Date): Promise<void> {
    const owed = await listOwedRooms(db, closedBefore);
    await endAll(
      owed.map((room) => ({ ...room, at: room.closed_at ?? new Date() })),
      null,
    );
  }

  /** Lets `work` run in the background, logged if it fails; `stop` waits for it (no query after the app closed). */
  function track(work: Promise<void>, what: string, context: Record<string, unknown> = {}): void {
    const tracked: Promise<void> = work.catch((err: unknown) => log.warn({ err, ...context }, what)).finally(() => running.delete(tracked));
    running.add(tracked);
  }

  return {
    /** After the round's close has committed: its rooms end at `at` (the round's close), by `actor`. */
    endRoundRooms(roundId: string, actor: Actor | null, at: Date): void {
      const rooms = listRoomsOf(db, [roundId]).then((rows) =>
        endAll(
          rows.map((room) => ({ ...room, at })),
          actor,
        ),
      );
      track(rooms, 'listing the rooms of a closed round failed; the sweep ends them', { roundId });
    },
    /** At start: the rooms a stopped process left live end now (in the background), and the sweep begins. */
    async start(): Promise<void> {
      track(endOwed(), 'ending the rooms of closed rounds at start failed; the sweep retries');
      sweepTimer = setInterval(() => {
        if (stopped || running.size > 0) return;
        const before = new Date(Date.now() - OTHER_NODE_GRACE_MS);
        track(endOwed(before), 'looking for rooms of closed rounds failed; the next sweep retries');
      }, SWEEP_INTERVAL_MS);
      sweepTimer.unref();
    },
    /** The app is closing: no more ends from this node; what is owed is ended at the next start or by another node. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(sweepTimer);
      retries.stop();
      await Promise.all([...running]);
    },
  };
}

export type RoomEnds = ReturnType<typeof createRoomEnds>;
