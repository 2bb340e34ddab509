/**
 * A short-lived read-through cache for what every in-class action checks first (the session, the caller's roster
 * role, the poll). A vote burst or a join storm asks the same few questions thousands of times a second; the answers
 * change rarely, and every change made by this process invalidates them explicitly. The TTL is only the backstop for
 * a change this process did not make (another node, a direct SQL edit), so it is kept to about a second.
 */
export const ACCESS_TTL_MS = 1500;

/** Beyond this many entries the cache starts over rather than sweeping: it refills in one TTL. */
const MAX_ENTRIES = 100_000;

export interface AccessCache<V> {
  /** The cached value, or `load()`'s; concurrent misses for one key share a single load. */
  get(key: string, load: () => Promise<V>): Promise<V>;
  /** Forget one key now. Loads already in flight for it are not stored, nor joined by later callers. */
  invalidate(key: string): void;
  /** Forget everything (e.g. a whole course's roster changed). */
  clear(): void;
}

/**
 * `keep` decides which loaded values may be cached at all (an unknown session is not: it may be created a moment
 * later). Any invalidation bumps an epoch; a load that began before it does not store its (possibly stale) answer,
 * so a read racing a commit cannot outlive the invalidation that followed the commit.
 */
export function createAccessCache<V>(keep: (value: V) => boolean = () => true, ttlMs = ACCESS_TTL_MS): AccessCache<V> {
  const entries = new Map<string, { value: V; expires: number }>();
  const loading = new Map<string, Promise<V>>();
  let epoch = 0;

  return {
    get(key, load) {
      const hit = entries.get(key);
      if (hit && hit.expires > Date.now()) return Promise.resolve(hit.value);
      const pending = loading.get(key);
      if (pending) return pending;
      const started = epoch;
      const promise = load().then(
        (value) => {
          if (loading.get(key) === promise) loading.delete(key);
          if (epoch === started && keep(value)) {
            if (entries.size >= MAX_ENTRIES) entries.clear();
            entries.set(key, { value, expires: Date.now() + ttlMs });
          }
          return value;
        },
        (err: unknown) => {
          if (loading.get(key) === promise) loading.delete(key);
          throw err;
        },
      );
      loading.set(key, promise);
      return promise;
    },
    invalidate(key) {
      epoch += 1;
      entries.delete(key);
      loading.delete(key);
    },
    clear() {
      epoch += 1;
      entries.clear();
      loading.clear();
    },
  };
}

/**
 * One cache of a kind per database handle (so two apps in one process, as in tests, never share answers), and every
 * one of them reachable from the module-level invalidation functions, which need no handle: a roster change announced
 * by another node invalidates whatever this process holds.
 */
export function cachesPerDatabase<V>(keep?: (value: V) => boolean) {
  const byDb = new WeakMap<object, AccessCache<V>>();
  const all = new Set<WeakRef<AccessCache<V>>>();
  return {
    of(db: object): AccessCache<V> {
      let cache = byDb.get(db);
      if (!cache) {
        cache = createAccessCache(keep);
        byDb.set(db, cache);
        all.add(new WeakRef(cache));
      }
      return cache;
    },
    forEach(fn: (cache: AccessCache<V>) => void): void {
      for (const ref of all) {
        const cache = ref.deref();
        if (cache) fn(cache);
        else all.delete(ref);
      }
    },
  };
}
