import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createActionLimits } from '../classroom/action-limits.ts';
import type { Actor } from '../auth/actor.ts';
import { startRedis, type RedisProcess } from '../test/nodes.ts';
import { connectRedis } from './redis.ts';
import { redisBudgets } from './redis-budgets.ts';
import { createRedisGuard } from './redis-guard.ts';

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
    const [a, b] = clients.map((c) => createActionLimits(perMinute, redisBudgets(c, createRedisGuard()))) as [
      ReturnType<typeof createActionLimits>,
      ReturnType<typeof createActionLimits>,
    ];
    await a.take(actor, 'chat');
    await b.take(actor, 'chat');
    await a.take(actor, 'chat');
    await assert.rejects(b.take(actor, 'chat'), { code: 'RATE_LIMITED', message: /retry in (60|59) s/ });
    await assert.rejects(a.take(actor, 'chat'), { code: 'RATE_LIMITED' });
    await b.take({ ...actor, id: 'u2' }, 'chat');
  });

  test('while Redis is away each node keeps its own budget instead of refusing everyone', async () => {
    const limits = createActionLimits(perMinute, redisBudgets(clients[0] as Redis, createRedisGuard()));
    await redis.kill();
    await limits.take({ ...actor, id: 'u3' }, 'vote');
    await assert.rejects(limits.take({ ...actor, id: 'u3' }, 'vote'), { code: 'RATE_LIMITED' });
    await redis.start();
  });

  test('a stalled Redis slows no action: each node spends its own budget at once, and shares again once Redis answers', async () => {
    const [a, b] = clients.map((c) => createActionLimits(perMinute, redisBudgets(c, createRedisGuard({ skipMs: 200 })))) as [
      ReturnType<typeof createActionLimits>,
      ReturnType<typeof createActionLimits>,
    ];
    // Back from the restart above.
    while (clients.some((c) => c.status !== 'ready')) await sleep(20);
    const pauser = new Redis(redis.url);
    await pauser.call('CLIENT', 'PAUSE', '2000', 'ALL');
    pauser.disconnect();
    const started = Date.now();
    for (let i = 0; i < 3; i++) await a.take({ ...actor, id: 'u4' }, 'chat');
    await assert.rejects(a.take({ ...actor, id: 'u4' }, 'chat'), { code: 'RATE_LIMITED' }, 'still limited, on the node');
    // Waiting on Redis would take the whole pause; a generous bound for a loaded machine.
    assert.ok(Date.now() - started < 1000, `four spends took ${Date.now() - started} ms`);
    await sleep(Math.max(0, started + 2000 - Date.now()) + 300);
    const u5 = { ...actor, id: 'u5' };
    await a.take(u5, 'chat');
    await b.take(u5, 'chat');
    await a.take(u5, 'chat');
    await assert.rejects(b.take(u5, 'chat'), { code: 'RATE_LIMITED' }, 'one budget across nodes again');
  });

  test('a flood across two nodes has exactly one first refusal per user and window, whichever node it hit', async () => {
    while (clients.some((c) => c.status !== 'ready')) await sleep(20);
    const [a, b] = clients.map((c) => redisBudgets(c, createRedisGuard({ timeoutMs: 1000 }))('chat', 2, 60_000));
    const spent = [];
    for (let i = 0; i < 8; i++) spent.push(await (i % 2 === 0 ? a : b)?.spend('u6'));
    assert.deepEqual(
      spent.map((s) => (s?.wait ?? 0) > 0),
      [false, false, true, true, true, true, true, true],
    );
    assert.deepEqual(
      spent.map((s) => s?.firstRefusal),
      [false, false, true, false, false, false, false, false],
    );
  });
});
