import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { createActionLimits } from '../classroom/action-limits.ts';
import type { Actor } from '../auth/actor.ts';
import { startRedis, type RedisProcess } from '../test/nodes.ts';
import { connectRedis } from './redis.ts';
import { redisBudgets } from './redis-budgets.ts';

const actor: Actor = { id: 'u1', name: 'U', role: 'student', email: null, ip: null };
const perMinute = { chat: 3, question: 1, upvote: 1, vote: 1 };

describe('rate budgets kept in Redis', () => {
  let redis: RedisProcess;
  let clients: Redis[];

  before(async () => {
    redis = await startRedis();
    clients = [await connectRedis(redis.url, 'node-a'), await connectRedis(redis.url, 'node-b')];
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await redis.kill();
  });

  test('two nodes spend from one budget: a user cannot double their chat by switching node', async () => {
    const [a, b] = clients.map((c) => createActionLimits(perMinute, redisBudgets(c))) as [ReturnType<typeof createActionLimits>, ReturnType<typeof createActionLimits>];
    await a.take(actor, 'chat');
    await b.take(actor, 'chat');
    await a.take(actor, 'chat');
    await assert.rejects(b.take(actor, 'chat'), { code: 'RATE_LIMITED', message: /retry in (60|59) s/ });
    await assert.rejects(a.take(actor, 'chat'), { code: 'RATE_LIMITED' });
    await b.take({ ...actor, id: 'u2' }, 'chat');
  });

  test('while Redis is away each node keeps its own budget instead of refusing everyone', async () => {
    const limits = createActionLimits(perMinute, redisBudgets(clients[0] as Redis));
    await redis.kill();
    await limits.take({ ...actor, id: 'u3' }, 'vote');
    await assert.rejects(limits.take({ ...actor, id: 'u3' }, 'vote'), { code: 'RATE_LIMITED' });
    await redis.start();
  });
});
