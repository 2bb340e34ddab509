import { createRequire } from 'node:module';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { RedisGuard } from './redis-guard.ts';

type StoreCtor = new (continueExceeding: boolean, exponentialBackoff: boolean, ...rest: unknown[]) => FastifyRateLimitStore;
// The plugin's own two stores (not in its typings): Redis for the shared count, its in-memory LRU for the fallback.
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as StoreCtor;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as StoreCtor;

/**
 * REST budgets counted in Redis, so several nodes share one budget per user. When Redis cannot answer (the client
 * does not queue commands, so that is at once) or answers too slowly for the guard, the request is counted on this
 * node instead: a user stays limited during an outage, per node, as class actions are (classroom/action-limits.ts),
 * rather than going uncounted or waiting on Redis.
 */
export function redisWithLocalFallback(redis: Redis, nameSpace: string, guard: RedisGuard): FastifyRateLimitStoreCtor {
  type Count = Parameters<Parameters<FastifyRateLimitStore['incr']>[1]>[1];
  const pair = (remote: FastifyRateLimitStore, local: FastifyRateLimitStore): FastifyRateLimitStore => ({
    incr(key, callback, timeWindow, max) {
      const counted = () =>
        new Promise<Count>((resolve, reject) => remote.incr(key, (err, result) => (err ? reject(err) : resolve(result)), timeWindow, max));
      guard.run(counted).then(
        (result) => callback(null, result),
        () => local.incr(key, callback, timeWindow, max),
      );
    },
    child: (routeOptions) => pair(remote.child(routeOptions), local.child(routeOptions)),
  });
  // The plugin constructs the store with its resolved options.
  // biome-ignore lint/correctness/noComponentHookFactories: the plugin calls this with `new`, like a class; it is no React component.
  return function FallbackStore(options: { continueExceeding: boolean; exponentialBackoff: boolean }) {
    const { continueExceeding, exponentialBackoff } = options;
    return pair(
      new RedisStore(continueExceeding, exponentialBackoff, redis, nameSpace),
      new LocalStore(continueExceeding, exponentialBackoff),
    );
  } as unknown as FastifyRateLimitStoreCtor;
}
