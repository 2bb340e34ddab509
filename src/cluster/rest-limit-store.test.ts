import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../test/nodes.ts';
import { connectRedis } from './redis.ts';
import { createRedisGuard } from './redis-guard.ts';
import { redisWithLocalFallback } from './rest-limit-store.ts';

/** A node's REST limit as app.ts sets it up with Redis: 3 requests a minute per caller. */
async function node(redis: Redis): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(rateLimit, {
    max: 3,
    timeWindow: 60_000,
    store: redisWithLocalFallback(redis, 'test-rest:', createRedisGuard()),
    keyGenerator: (r) => String(r.headers['x-user']),
  });
  app.get('/api/ping', async () => ({ ok: true }));
  return app;
}

const statuses = async (app: FastifyInstance, user: string, count: number) => {
  const codes: number[] = [];
  for (let i = 0; i < count; i++) codes.push((await app.inject({ url: '/api/ping', headers: { 'x-user': user } })).statusCode);
  return codes;
};

describe('REST budgets in Redis with a per-node fallback', () => {
  let redis: RedisProcess;
  let clients: Redis[];
  let apps: FastifyInstance[];

  before(async () => {
    redis = await startRedis();
    clients = [await connectRedis(redis.url, 'node-a'), await connectRedis(redis.url, 'node-b')];
    apps = await Promise.all(clients.map(node));
  });
  after(async () => {
    for (const app of apps) await app.close();
    for (const c of clients) c.disconnect();
    await redis.kill();
  });

  test('two nodes count one budget', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    assert.deepEqual([...(await statuses(a, 'u1', 2)), ...(await statuses(b, 'u1', 2))], [200, 200, 200, 429]);
    assert.deepEqual(await statuses(a, 'u2', 1), [200], 'another user has their own budget');
  });

  test('while Redis is away each node still limits, on its own count', async () => {
    await redis.kill();
    try {
      while (clients.some((c) => c.status === 'ready')) await new Promise((r) => setTimeout(r, 20));
      const [a, b] = apps as [FastifyInstance, FastifyInstance];
      assert.deepEqual(await statuses(a, 'u3', 4), [200, 200, 200, 429]);
      assert.deepEqual(await statuses(b, 'u3', 4), [200, 200, 200, 429], 'per node while Redis is away');
    } finally {
      await redis.start();
    }
  });
});
