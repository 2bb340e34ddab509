import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAccessCache } from './access-cache.ts';

/** A load the test settles by hand, to order it against an invalidation. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('the access cache', () => {
  test('concurrent misses for one key share a single load, and the answer is then served without loading', async () => {
    const cache = createAccessCache<string>();
    let loads = 0;
    const load = async () => `v${++loads}`;
    assert.deepEqual(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)]), ['v1', 'v1', 'v1']);
    assert.equal(await cache.get('k', load), 'v1');
    assert.equal(loads, 1);
  });

  test('after an invalidation the next get loads again', async () => {
    const cache = createAccessCache<string>();
    let loads = 0;
    const load = async () => `v${++loads}`;
    await cache.get('k', load);
    cache.invalidate('k');
    assert.equal(await cache.get('k', load), 'v2');
  });

  test('a load that began before an invalidation is neither joined by later callers nor stored', async () => {
    const cache = createAccessCache<string>();
    const stale = deferred<string>();
    const first = cache.get('k', () => stale.promise);
    cache.invalidate('k');
    const fresh = cache.get('k', async () => 'after');
    stale.resolve('before');
    assert.equal(await first, 'before', 'the caller that asked before the change gets what was read');
    assert.equal(await fresh, 'after');
    assert.equal(await cache.get('k', async () => 'reloaded'), 'after', 'the fresh answer is the one cached');
  });

  test('values the cache may not keep are loaded every time', async () => {
    const cache = createAccessCache<string | undefined>((v) => v !== undefined);
    let loads = 0;
    const load = async () => {
      loads += 1;
      return undefined;
    };
    await cache.get('missing', load);
    await cache.get('missing', load);
    assert.equal(loads, 2);
  });

  test('a failed load is not cached', async () => {
    const cache = createAccessCache<string>();
    await assert.rejects(
      cache.get('k', async () => {
        throw new Error('down');
      }),
      /down/,
    );
    assert.equal(await cache.get('k', async () => 'up'), 'up');
  });
});
