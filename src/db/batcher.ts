import type { Kysely, Transaction } from 'kysely';
import type { Database } from './tables.ts';

export interface BatcherOptions {
  /** The most writes one transaction carries: a whole class voting at once fits in one. */
  maxBatch?: number;
  /** With nothing in flight, this many queued writes start a commit at once instead of at the end of the turn. */
  eager?: number;
  /** Sees each batch committed (its size and seconds) and each write failed: the metrics. */
  observer?: BatchObserver;
}

export interface BatchObserver {
  committed(writes: number, seconds: number): void;
  failed(writes: number): void;
}

const TRANSIENT_ATTEMPTS = 3;

/** PostgreSQL's SQLSTATE (pg and PGlite both set `code`): classes 22 and 23 are about the data written. */
function failureKind(err: unknown): 'item' | 'transient' | 'other' {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'other';
  if (code.startsWith('22') || code.startsWith('23')) return 'item';
  if (code === '40P01' || code === '40001') return 'transient';
  return 'other';
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
 * If a batch fails on something one write can cause (bad data, a constraint), it is split in halves and each half
 * retried, so the bad write fails alone at the cost of a few extra transactions. A deadlock or serialization failure
 * is retried whole, a few times. Anything else (the database is unreachable, a timeout) fails the whole batch at
 * once: retrying it piece by piece would hold every later write for as long as the outage lasts.
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
export function groupCommit<T, R>(write: (items: T[]) => Promise<R[]>, { maxBatch = 5000, eager = 250, observer }: BatcherOptions = {}) {
  let queue: Pending<T, R>[] = [];
  let running = false;
  let scheduled = false;

  async function commit(batch: Pending<T, R>[], attempt = 1): Promise<void> {
    let results: R[];
    const start = performance.now();
    try {
      results = await write(batch.map((b) => b.item));
    } catch (err) {
      const kind = failureKind(err);
      if (kind === 'transient' && attempt < TRANSIENT_ATTEMPTS) {
        await new Promise((r) => setTimeout(r, 20 * attempt));
        return commit(batch, attempt + 1);
      }
      if (kind !== 'item' || batch.length === 1) {
        observer?.failed(batch.length);
        for (const b of batch) b.reject(err);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await commit(batch.slice(0, half));
      await commit(batch.slice(half));
      return;
    }
    observer?.committed(batch.length, (performance.now() - start) / 1000);
    for (const [i, b] of batch.entries()) b.resolve(results[i] as R);
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

  /**
   * commit() settles each write's promise itself, so drain() rejecting would be a bug; should it happen, the writes
   * it held and those queued behind it fail with it rather than wait forever or take the process down.
   */
  function drainNow() {
    const held = queue;
    drain().catch((err: unknown) => {
      for (const b of [...held, ...queue]) b.reject(err);
      queue = [];
    });
  }

  return {
    /** Queues a write; resolves with its result after its batch commits. */
    submit(item: T): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        // While a commit is in flight, drain() picks this up when it ends.
        if (running) return;
        if (queue.length >= eager) drainNow();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(drainNow);
        }
      });
    },
  };
}
