import type { Transaction } from 'kysely';
import type { Db } from '../db/kysely.ts';
import type { Database } from '../db/tables.ts';
import type { EventDraft } from '../events/events.repo.ts';
import { type ClassDeps, recordChange } from './class-deps.ts';
import { createCoalescer } from './coalescer.ts';

/** Something in a session whose current state the room is owed: a poll's tally, a question's upvote count. */
export interface Owed {
  sessionId: string;
  id: string;
}

export interface OwedBroadcastOptions {
  /** Names the broadcast in logs ("poll:results broadcast"). */
  what: string;
  /** At most one broadcast per thing per this interval, however fast it changes. */
  intervalMs: number;
  /** What a stopped or crashed process still owed (the feature's flag is still set). */
  listOwed: (db: Db) => Promise<Owed[]>;
  /**
   * Inside the broadcast's transaction: clears the feature's flag and returns the events that say the current state
   * (none when there is nothing to say any more, e.g. the poll closed meanwhile).
   */
  send: (trx: Transaction<Database>, owed: Owed) => Promise<EventDraft[]>;
}

/**
 * The owed-broadcast pattern, written once. A change that owes the room a broadcast sets a flag in its own
 * transaction and calls `owe`; the broadcast is coalesced (a burst becomes a few broadcasts, see coalescer.ts) and
 * clears the flag in the transaction that appends its event. So what is owed survives everything: a failed broadcast
 * is retried until the database answers, one the app stopped before is sent at close, and one a crash lost is found
 * by its flag at the next start (`recover`).
 */
export function createOwedBroadcasts(deps: Pick<ClassDeps, 'db' | 'publish' | 'log'>, options: OwedBroadcastOptions) {
  // The one key encoding: both parts are UUIDs, which never contain a space.
  const keyOf = (owed: Owed) => `${owed.sessionId} ${owed.id}`;
  const coalescer = createCoalescer(
    options.intervalMs,
    async (key) => {
      const [sessionId = '', id = ''] = key.split(' ');
      await recordChange(deps, sessionId, async (trx) => ({ result: null, events: await options.send(trx, { sessionId, id }) }));
    },
    deps.log,
    options.what,
  );
  return {
    /** The thing changed (its flag is set, committed): a broadcast of its state follows within `intervalMs`. */
    owe(sessionId: string, id: string): void {
      coalescer.mark(keyOf({ sessionId, id }));
    },
    /** The app is closing: sends what is owed now. */
    stop: (): Promise<void> => coalescer.stop(),
    /** At start: what a stopped process still owed goes out. */
    async recover(): Promise<void> {
      for (const owed of await options.listOwed(deps.db)) coalescer.mark(keyOf(owed));
    },
  };
}
