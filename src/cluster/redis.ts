import { Redis } from 'ioredis';

/** How long start-up waits for Redis before refusing to run as a node of a cluster. */
const CONNECT_TIMEOUT_MS = 5000;

/**
 * A Redis connection for a node of the cluster. Commands fail at once while Redis is away (no offline queue): every
 * caller has a fallback (the local limiter, the log resync), so a Redis outage slows nothing down and loses nothing.
 * ioredis reconnects by itself and re-subscribes its subscriptions. A Redis that is connected but slow is another
 * matter: the calls an action waits on are bounded far shorter by the guard (redis-guard.ts); the command timeout
 * only bounds the background ones (heals, publishes).
 */
export async function connectRedis(url: string, name: string): Promise<Redis> {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: 2000,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
  });
  // Without a listener, ioredis reports every failed reconnect as an unhandled 'error' event.
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new Error(`REDIS_URL is set, but Redis at ${redactedUrl(url)} did not answer: ${(err as Error).message}`);
  }
  return redis;
}

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
