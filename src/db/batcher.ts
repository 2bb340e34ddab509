import type { Kysely, Transaction } from 'kysely';
import type { Database } from './tables.ts';

/**
 * Writes that arrive together share one transaction: a burst of 5,000 votes becomes a handful of commits, and each
 * caller's promise settles only after the commit that holds its write. If a batch fails, its items are retried one
 * by one, so one bad item cannot sink the others. Batches commit one after another, in submission order.
 */
export function createBatcher<T, R>(
  db: Kysely<Database>,
  run: (trx: Transaction<Database>, items: T[]) => Promise<R[]>,
  maxBatch = 500,
) {
  let queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  // One batch in flight at a time: writes commit in the order they were submitted.
  let inFlight: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    inFlight = inFlight.then(flushNow);
    return inFlight;
  }

  async function flushNow() {
    scheduled = false;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(maxBatch);
    if (batch.length === 0) return;
    if (queue.length > 0) schedule();
    try {
      const results = await db.transaction().execute((trx) => run(trx, batch.map((b) => b.item)));
      batch.forEach((b, i) => b.resolve(results[i] as R));
    } catch (err) {
      if (batch.length === 1) return batch[0]?.reject(err);
      for (const b of batch) {
        await db
          .transaction()
          .execute((trx) => run(trx, [b.item]))
          .then((r) => b.resolve(r[0] as R), b.reject);
      }
    }
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  return {
    /** Queues a write; resolves with its result after its batch commits. */
    submit(item: T): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        // A full batch goes at once; anything less waits for the end of this turn of the event loop.
        if (queue.length % maxBatch === 0) void flush();
        else schedule();
      });
    },
  };
}
