/** How long a class action (a chat, a vote, a join) waits on Redis before going on without it. */
export const REDIS_ACTION_TIMEOUT_MS = 50;
/** After Redis was that slow, how long actions skip it altogether before one of them tries it again. */
export const REDIS_SKIP_MS = 1000;

/** Redis did not answer within the action timeout, or is being skipped after one. Callers fall back as if it were down. */
export class RedisSlowError extends Error {}

export interface RedisGuardOptions {
  timeoutMs?: number;
  skipMs?: number;
  /** Redis just went slow (once per episode). */
  onSlow?: () => void;
  /** Redis answered in time again after being slow. */
  onBack?: () => void;
}

export interface RedisGuard {
  /** Runs a Redis call on an action's path: resolves its answer, or rejects RedisSlowError after the timeout. */
  run<T>(call: () => Promise<T>): Promise<T>;
}

/**
 * A circuit around the Redis calls a class action waits on. A stalled Redis (paused, swapping, a long script) keeps
 * the connection open, so ioredis's "fail at once while disconnected" does not apply and every action would wait for
 * the command timeout. Here an action waits at most `timeoutMs`; after one such timeout, actions skip Redis for
 * `skipMs` (so a stall does not pile up one queued command per action), then a single call probes it. The caller's
 * fallback (the node's own budget, the node's own presence) runs meanwhile, exactly as when Redis is down.
 */
export function createRedisGuard(opts: RedisGuardOptions = {}): RedisGuard {
  const timeoutMs = opts.timeoutMs ?? REDIS_ACTION_TIMEOUT_MS;
  const skipMs = opts.skipMs ?? REDIS_SKIP_MS;
  let slow = false;
  let skipUntil = 0;
  let probing = false;

  return {
    run<T>(call: () => Promise<T>): Promise<T> {
      if (slow && (probing || Date.now() < skipUntil)) return Promise.reject(new RedisSlowError('Redis is slow; skipped'));
      const probe = slow;
      if (probe) probing = true;
      return new Promise<T>((resolve, reject) => {
        let settled = false;
        const settle = () => {
          settled = true;
          clearTimeout(timer);
          if (probe) probing = false;
        };
        // setImmediate: on a busy event loop the timer and the reply may both be due; the reply (I/O) wins then.
        const timer = setTimeout(
          () =>
            setImmediate(() => {
              if (settled) return;
              settle();
              skipUntil = Date.now() + skipMs;
              if (!slow) {
                slow = true;
                opts.onSlow?.();
              }
              reject(new RedisSlowError(`Redis did not answer within ${timeoutMs} ms`));
            }),
          timeoutMs,
        );
        // A late answer or error after the timeout is dropped: the caller has already gone on without it.
        call().then(
          (value) => {
            if (settled) return;
            settle();
            if (slow) {
              slow = false;
              opts.onBack?.();
            }
            resolve(value);
          },
          (err: unknown) => {
            if (settled) return;
            settle();
            reject(err);
          },
        );
      });
    },
  };
}
