/**
 * The live schedule across two nodes on one PostgreSQL database and one Redis: a change made through one node reaches
 * the course's followers on both, once each, in the shape each reader is owed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import type { Db } from '../db/kysely.ts';
import { dbTargets, freshDatabase, TEST_SECRET } from '../test/harness.ts';
import { type NodeProcess, type RedisProcess, startNode, startRedis } from '../test/nodes.ts';
import { connect, recorder, request } from '../test/sockets.ts';

const token = (sub: string, role: Claims['role']) => signToken(new TextEncoder().encode(TEST_SECRET), { sub, role, name: sub } as Claims);
const targets = await dbTargets('course room on two nodes');

describe('the course room on two nodes', { skip: !targets.includes('postgres') && 'needs PostgreSQL' }, () => {
  let database: { db: Db; drop: () => Promise<void>; url?: string };
  let redis: RedisProcess;
  let a: NodeProcess;
  let b: NodeProcess;
  const sockets: Socket[] = [];
  const tokens: Record<string, string> = {};

  const call = (node: NodeProcess, method: string, path: string, who: string, body?: unknown) =>
    fetch(`${node.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  const follow = async (node: NodeProcess, who: string) => {
    const s = await connect(node.base, tokens[who] as string);
    sockets.push(s);
    const heard = recorder(s);
    assert.deepEqual(await request(s, 'course:join', { courseId: 'c1' }), { ok: true, data: { courseId: 'c1' } });
    return heard;
  };

  before(async () => {
    database = await freshDatabase('postgres');
    redis = await startRedis();
    const env = { DATABASE_URL: database.url as string, REDIS_URL: redis.url, CLUSTER_RESYNC_MS: '60000', PRESENCE_GRACE_MS: '0' };
    [a, b] = await Promise.all([startNode(env), startNode(env)]);
    for (const [sub, role] of [
      ['lms', 'admin'],
      ['mentor', 'mentor'],
      ['s1', 'student'],
      ['s2', 'student'],
    ] as const) {
      tokens[sub] = await token(sub, role);
    }
    const put = await call(a, 'PUT', '/api/courses/c1/members', 'lms', {
      members: [
        { userId: 'mentor', role: 'mentor' },
        { userId: 's1', role: 'student' },
        { userId: 's2', role: 'student' },
      ],
    });
    assert.equal(put.status, 200, await put.text());
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.kill();
    await database?.drop();
  });

  test('a class scheduled and started through node B reaches followers on A and B once each, per role', async () => {
    const [s1, s2, mentor] = await Promise.all([follow(a, 's1'), follow(b, 's2'), follow(a, 'mentor')]);
    const created = await call(b, 'POST', '/api/live-sessions', 'mentor', {
      courseId: 'c1',
      title: 'Across nodes',
      scheduledStart: new Date(Date.now() + 60_000).toISOString(),
      durationMinutes: 60,
    });
    assert.equal(created.status, 201);
    const session = (await created.json()) as { id: string; meeting: { url: string } };
    const started = await call(b, 'PUT', `/api/live-sessions/${session.id}`, 'mentor', { status: 'live' });
    assert.equal(started.status, 200);
    const live = (e: { event: string; payload: { session: { id: string; status: string } } }) =>
      e.event === 'course:session' && e.payload.session.id === session.id && e.payload.session.status === 'live';
    const [onA, onB, mentorOnA] = await Promise.all([s1.waitFor(live), s2.waitFor(live), mentor.waitFor(live)]);
    assert.equal(onA.payload.session.meeting.url, null);
    assert.equal(onB.payload.session.meeting.url, null);
    assert.equal(mentorOnA.payload.session.meeting.url, session.meeting.url);
    for (const heard of [s1, s2, mentor]) {
      const statuses = heard.received.filter((e) => e.event === 'course:session').map((e) => e.payload.session.status);
      assert.deepEqual(statuses, ['scheduled', 'live'], 'each change once, in order');
    }
  });
});
