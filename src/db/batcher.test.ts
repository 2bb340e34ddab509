import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import { dbTargets, freshDatabase } from '../test/harness.ts';
import { createBatcher } from './batcher.ts';
import type { Database } from './tables.ts';

/**
 * A stand-in database that records each transaction's items and commits when the test says so, so the grouping can
 * be watched commit by commit. The SQL side of batched writes is covered by the feature tests (votes, upvotes).
 */
function fakeDb() {
  const commits: number[][] = [];
  const gates: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const db = {
    transaction: () => ({
      execute: async <R>(fn: (trx: unknown) => Promise<R>) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await new Promise<void>((resolve) => gates.push(resolve));
          return await fn({});
        } finally {
          inFlight -= 1;
        }
      },
    }),
  } as unknown as Kysely<Database>;
  const release = async () => {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { db, commits, release, maxInFlight: () => maxInFlight };
}

test('writes that arrive while a commit is in flight all go in the next one, in order, one transaction at a time', {
  timeout: 5000,
}, async () => {
  const { db, commits, release, maxInFlight } = fakeDb();
  const batcher = createBatcher<number, number>(
    db,
    async (_trx, items) => {
      commits.push(items);
      return items.map((i) => i * 10);
    },
    { eager: 3 },
  );
  const first = [1, 2, 3].map((i) => batcher.submit(i)); // reaches `eager`: commits at once
  const rest = Array.from({ length: 1000 }, (_, i) => batcher.submit(i + 4));
  await release();
  await release();
  assert.deepEqual(await Promise.all(first), [10, 20, 30]);
  assert.deepEqual(
    await Promise.all(rest),
    Array.from({ length: 1000 }, (_, i) => (i + 4) * 10),
  );
  assert.deepEqual(
    commits.map((c) => c.length),
    [3, 1000],
    'the thousand waiting writes shared one transaction',
  );
  assert.deepEqual(
    commits.flat(),
    Array.from({ length: 1003 }, (_, i) => i + 1),
    'in submission order',
  );
  assert.equal(maxInFlight(), 1);
});

test('a single write commits at the end of the turn, without waiting for company', { timeout: 5000 }, async () => {
  const { db, commits, release } = fakeDb();
  const batcher = createBatcher<string, string>(db, async (_trx, items) => {
    commits.push(items.map((s) => s.length));
    return items.map((s) => s.toUpperCase());
  });
  const one = batcher.submit('vote');
  await release();
  assert.equal(await one, 'VOTE');
  assert.deepEqual(commits, [[4]]);
});

test('a batch never exceeds maxBatch', { timeout: 5000 }, async () => {
  const { db, commits, release } = fakeDb();
  const batcher = createBatcher<number, number>(
    db,
    async (_trx, items) => {
      commits.push(items);
      return items;
    },
    { maxBatch: 4, eager: 100 },
  );
  const all = Array.from({ length: 10 }, (_, i) => batcher.submit(i));
  for (let i = 0; i < 3; i++) await release();
  assert.deepEqual(
    await Promise.all(all),
    Array.from({ length: 10 }, (_, i) => i),
  );
  assert.deepEqual(
    commits.map((c) => c.length),
    [4, 4, 2],
  );
});

const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code });
const instantDb = {
  transaction: () => ({ execute: async <R>(fn: (trx: unknown) => Promise<R>) => fn({}) }),
} as unknown as Kysely<Database>;

test('a bad write fails alone: its batch is split until it is isolated, and everything else commits', { timeout: 5000 }, async () => {
  let transactions = 0;
  const batcher = createBatcher<number, number>(instantDb, async (_trx, items) => {
    transactions += 1;
    if (items.includes(13)) throw sqlError('23503', 'bad row 13');
    return items;
  });
  const results = await Promise.allSettled(Array.from({ length: 64 }, (_, i) => batcher.submit(i)));
  const rejected = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
  assert.deepEqual(rejected, [13]);
  assert.equal((results[13] as PromiseRejectedResult).reason.message, 'bad row 13');
  assert.ok(results.every((r, i) => i === 13 || (r.status === 'fulfilled' && r.value === i)));
  // 1 failed batch of 64, then halves down to the bad row: 2 per level over 6 levels, far fewer than 64 retries.
  assert.ok(transactions <= 1 + 2 * 6, `${transactions} transactions`);
});

test('a failure no single write caused (the database is away) fails the whole batch at once, without retries', {
  timeout: 5000,
}, async () => {
  let transactions = 0;
  const batcher = createBatcher<number, number>(instantDb, async () => {
    transactions += 1;
    throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  });
  const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => batcher.submit(i)));
  assert.ok(results.every((r) => r.status === 'rejected' && /ECONNREFUSED/.test(String(r.reason))));
  assert.equal(transactions, 1);
});

test('a deadlock is retried whole', { timeout: 5000 }, async () => {
  let transactions = 0;
  const batcher = createBatcher<number, number>(instantDb, async (_trx, items) => {
    transactions += 1;
    if (transactions === 1) throw sqlError('40P01', 'deadlock detected');
    return items;
  });
  assert.deepEqual(await Promise.all([1, 2, 3].map((i) => batcher.submit(i))), [1, 2, 3]);
  assert.equal(transactions, 2);
});

for (const target of await dbTargets('batcher')) {
  test(`on ${target}, a constraint violation carries its SQLSTATE, so only the bad write fails`, async () => {
    const { db, drop } = await freshDatabase(target);
    try {
      const batcher = createBatcher<string, string>(db, async (trx, ids) => {
        // course_members.user_id references users: the unknown user breaks the batch.
        await trx
          .insertInto('course_members')
          .values(ids.map((id) => ({ course_id: 'c1', user_id: id, role: 'student', updated_at: new Date() })))
          .execute();
        return ids;
      });
      await db
        .insertInto('users')
        .values([
          { id: 'known-1', name: 'One', updated_at: new Date() },
          { id: 'known-2', name: 'Two', updated_at: new Date() },
        ])
        .execute();
      const results = await Promise.allSettled(['known-1', 'nobody', 'known-2'].map((id) => batcher.submit(id)));
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal(((results[1] as PromiseRejectedResult).reason as { code?: string }).code, '23503');
    } finally {
      await drop();
    }
  });
}
