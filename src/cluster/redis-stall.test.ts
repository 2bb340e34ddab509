/**
 * A slow Redis is not a down Redis: the connection stays open and commands just wait. Two nodes on PostgreSQL and a
 * Redis of the test's own, paused for 5 s with CLIENT PAUSE: the class must not wait on it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import type { Db } from '../db/kysely.ts';
import { dbTargets, freshDatabase, TEST_SECRET } from '../test/harness.ts';
import { type NodeProcess, type RedisProcess, startNode, startRedis } from '../test/nodes.ts';
import { connect, request } from '../test/sockets.ts';

const token = (sub: string, role: Claims['role']) => signToken(new TextEncoder().encode(TEST_SECRET), { sub, role, name: sub } as Claims);
const PAUSE_MS = 5000;
const CHATS_PER_MIN = 6;
const targets = await dbTargets('redis-stall');

describe('two nodes while Redis stalls', { skip: !targets.includes('postgres') && 'needs PostgreSQL' }, () => {
  let database: { db: Db; drop: () => Promise<void>; url?: string };
  let redis: RedisProcess;
  let a: NodeProcess;
  let b: NodeProcess;
  let sessionId = '';
  const sockets: Socket[] = [];

  before(async () => {
    database = await freshDatabase('postgres');
    redis = await startRedis();
    // No periodic heal within the test: what is mended after the stall is mended because Redis answered again.
    const env = {
      DATABASE_URL: database.url as string,
      REDIS_URL: redis.url,
      CLUSTER_RESYNC_MS: '60000',
      PRESENCE_GRACE_MS: '0',
      CHAT_RATE_PER_MIN: String(CHATS_PER_MIN),
    };
    [a, b] = await Promise.all([startNode(env), startNode(env)]);
    const lms = await token('lms', 'admin');
    const members = ['s1', 's2', 's3'].map((userId) => ({ userId, name: userId, role: 'student' }));
    const put = await fetch(`${a.base}/api/courses/c1/members`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${lms}`, 'content-type': 'application/json' },
      body: JSON.stringify({ members: [{ userId: 'mentor', name: 'mentor', role: 'mentor' }, ...members] }),
    });
    assert.equal(put.status, 200, await put.text());
    const created = await fetch(`${a.base}/api/live-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${lms}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        courseId: 'c1',
        title: 'Stall',
        scheduledStart: new Date(Date.now() + 60_000).toISOString(),
        durationMinutes: 60,
      }),
    });
    assert.equal(created.status, 201);
    sessionId = ((await created.json()) as { id: string }).id;
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.kill();
    await database?.drop();
  });

  const join = async (node: NodeProcess, sub: string, role: Claims['role'] = 'student') => {
    const socket = await connect(node.base, await token(sub, role));
    sockets.push(socket);
    const ack = await request(socket, 'session:join', { sessionId }, 15_000);
    assert.equal(ack.ok, true, JSON.stringify(ack));
    return { socket, ack: ack.ok ? ack.data : undefined };
  };
  const chat = async (socket: Socket, body: string) => {
    const started = Date.now();
    const ack = await request(socket, 'chat:send', { sessionId, body }, 15_000);
    return { ok: ack.ok, ms: Date.now() - started, code: ack.ok ? undefined : ack.error.code };
  };

  test('chat acks stay fast during the stall, and afterwards budgets and presence are shared again', async (t) => {
    const mentor = await join(a, 'mentor', 'mentor');
    assert.equal((await request(mentor.socket, 'session:status', { sessionId, status: 'live' })).ok, true);
    const s1 = await join(a, 's1');

    const pauser = new Redis(redis.url);
    await pauser.call('CLIENT', 'PAUSE', String(PAUSE_MS), 'ALL');
    const pausedAt = Date.now();
    // The pause outlives the connection that asked for it.
    pauser.disconnect();
    const acks = [];
    for (let i = 0; i < CHATS_PER_MIN; i++) acks.push(await chat(s1.socket, `stalled-${i}`));
    assert.deepEqual(
      acks.map((x) => x.ok),
      acks.map(() => true),
      'every chat within the budget is accepted',
    );
    const ms = acks.map((x) => x.ms).sort((x, y) => x - y);
    const p50 = ms[Math.floor(ms.length / 2)] as number;
    t.diagnostic(`chat acks during the stall: ${ms.join(', ')} ms (p50 ${p50} ms)`);
    // A generous bound for a loaded machine: waiting on Redis took ~2,000 ms per ack.
    assert.ok(p50 < 300, `chat acks during the stall: ${ms.join(', ')} ms`);
    assert.equal((await chat(s1.socket, 'one too many')).code, 'RATE_LIMITED', 'the node still limits on its own budget');
    // Joins B during the stall: B cannot tell Redis, and must once Redis answers again.
    await join(b, 's3');
    assert.ok(Date.now() - pausedAt < PAUSE_MS, 'all of the above happened while Redis was paused');

    // Past the stall and the moment actions skip Redis after it.
    await sleep(Math.max(0, pausedAt + PAUSE_MS - Date.now()) + 1500);
    const onA = await join(a, 's2');
    const onB = await join(b, 's2');
    let accepted = 0;
    for (let i = 0; i < 2 * CHATS_PER_MIN; i++) if ((await chat((i % 2 === 0 ? onA : onB).socket, `shared-${i}`)).ok) accepted += 1;
    // Per node it would be twice the budget; one spurious fallback on a loaded machine is tolerated.
    assert.ok(accepted >= CHATS_PER_MIN && accepted <= CHATS_PER_MIN + 1, `s2 had ${accepted} chats accepted across two nodes`);

    // A join reads the other nodes' people at most once a second: fresh admins join until one sees s3 (on B).
    const deadline = Date.now() + 15_000;
    for (let i = 1; ; i++) {
      const watcher = await join(a, `watcher-${i}`, 'admin');
      const users = ((watcher.ack?.presence.users ?? []) as { id: string }[]).map((u) => u.id);
      if (users.includes('s3')) break;
      if (Date.now() > deadline) assert.fail(`node A never learnt that s3 is in class on B: ${users.join(', ')}`);
      await sleep(1100);
    }
  });
});
