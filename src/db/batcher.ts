import type { Kysely, Transaction } from 'kysely';
import type { Database } from './tables.ts';

export interface BatcherOptions {
  /** The most writes one transaction carries: a whole class voting at once fits in one. */
  maxBatch?: number;
  /** With nothing in flight, this many queued writes start a commit at once instead of at the end of the turn. */
  eager?: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: writes that arrive together share one transaction, and each caller's promise settles only after
 * the commit that holds its write. One transaction is in flight at a time, so writes commit in submission order;
 * whatever arrives meanwhile goes in the next one, however many that is (up to `maxBatch`). A flood of 5,000 votes
 * thus becomes a few commits that overlap with receiving the rest, instead of a queue of fixed-size ones.
 * If a batch fails, it is split in halves and each half retried, so one bad write fails alone and costs a few
 * extra transactions rather than one per write.
 */
export function createBatcher<T, R>(
  db: Kysely<Database>,
  run: (trx: Transaction<Database>, items: T[]) => Promise<R[]>,
  options: BatcherOptions = {},
) {
  return groupCommit<T, R>((items) => db.transaction().execute((trx) => run(trx, items)), options);
}

/**
 * The same grouping around any atomic write of many items, e.g. one statement that needs no transaction around it
 * (which saves the BEGIN and COMMIT round trips, each of which waits its turn on a busy event loop).
 */
export function groupCommit<T, R>(write: (items: T[]) => Promise<R[]>, { maxBatch = 5000, eager = 250 }: BatcherOptions = {}) {
  let queue: Pending<T, R>[] = [];
  let running = false;
  let scheduled = false;

  async function commit(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await write(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i] as R));
    } catch (err) {
      if (batch.length === 1) return batch[0]?.reject(err);
      const half = Math.ceil(batch.length / 2);
      await commit(batch.slice(0, half));
      await commit(batch.slice(half));
    }
  }

  async function drain(): Promise<void> {
    scheduled = false;
    if (running) return;
    running = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        await commit(batch);
      }
    } finally {
      running = false;
    }
  }

  return {
    /** Queues a write; resolves with its result after its batch commits. */
    submit(item: T): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        // While a commit is in flight, drain() picks this up when it ends.
        if (running) return;
        if (queue.length >= eager) void drain();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}
