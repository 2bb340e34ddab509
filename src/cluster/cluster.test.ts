/**
 * Two server processes on one PostgreSQL database and one Redis, as behind a load balancer: a class split across
 * nodes is one class. Every event reaches every student in seq order, whichever node it was sent to; a killed node
 * loses nothing acknowledged; a Redis restart heals without restarting the nodes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket } from 'socket.io-client';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import type { Db } from '../db/kysely.ts';
import { dbTargets, freshDatabase, TEST_SECRET } from '../test/harness.ts';
import { type NodeProcess, type RedisProcess, startNode, startRedis } from '../test/nodes.ts';
import { connect, request } from '../test/sockets.ts';

const token = (sub: string, role: Claims['role']) => signToken(new TextEncoder().encode(TEST_SECRET), { sub, role, name: sub } as Claims);

/** A joined client that records every seq it hears, live or replayed, and checks they come in order, once each. */
async function student(base: string, jwt: string, sessionId: string, sinceSeq?: number) {
  const socket = await connect(base, jwt);
  const seqs: number[] = [];
  const chats: string[] = [];
  const hear = (event: string, payload: { seq?: number; message?: { body: string } }) => {
    if (typeof payload?.seq !== 'number') return;
    seqs.push(payload.seq);
    if (event === 'chat:message' && payload.message) chats.push(payload.message.body);
  };
  // Live events read in the same chunk as the join's ack run their handlers before the ack's promise settles: they
  // wait for the replay, as the web app's client makes them.
  let early: [string, { seq?: number }][] | undefined = [];
  socket.onAny((event: string, payload: { seq?: number }) => (early ? early.push([event, payload]) : hear(event, payload)));
  const ack = await request(socket, 'session:join', { sessionId, ...(sinceSeq !== undefined ? { sinceSeq } : {}) });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  if (!ack.ok) throw new Error('join refused');
  for (const e of ack.data.events as { event: string; payload: { seq: number } }[]) hear(e.event, e.payload);
  for (const [event, payload] of early) hear(event, payload);
  early = undefined;
  return { socket, seqs, chats, ack: ack.data };
}
type Student = Awaited<ReturnType<typeof student>>;

function assertInOrder(s: Pick<Student, 'seqs'>, who: string) {
  for (let i = 1; i < s.seqs.length; i++) assert.equal(s.seqs[i], (s.seqs[i - 1] as number) + 1, `${who} heard seqs ${s.seqs.join(',')}`);
}

async function heardAll(s: Pick<Student, 'chats'>, bodies: string[], who: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (bodies.some((b) => !s.chats.includes(b))) {
    if (Date.now() > deadline) assert.fail(`${who} is missing ${bodies.filter((b) => !s.chats.includes(b)).join(', ')}`);
    await sleep(50);
  }
}

/** Sends chat messages; resolves with the bodies the server acknowledged. */
async function say(socket: Socket, prefix: string, count: number): Promise<string[]> {
  const acked: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = `${prefix}-${i}`;
    const ack = await request(socket, 'chat:send', { sessionId, body }).catch(() => undefined);
    // A dead node answers nothing more.
    if (!ack?.ok) break;
    acked.push(body);
  }
  return acked;
}

let sessionId = '';
const targets = await dbTargets('cluster');

describe('two nodes on PostgreSQL and Redis', { skip: !targets.includes('postgres') && 'needs PostgreSQL' }, () => {
  let database: { db: Db; drop: () => Promise<void>; url?: string };
  let redis: RedisProcess;
  let a: NodeProcess;
  let b: NodeProcess;
  let env: Record<string, string>;
  const sockets: Socket[] = [];
  const tokens: Record<string, string> = {};

  before(async () => {
    database = await freshDatabase('postgres');
    redis = await startRedis();
    // The periodic heal is out of the way: what reaches the other node does so through Redis or its recovery.
    env = {
      DATABASE_URL: database.url as string,
      REDIS_URL: redis.url,
      CLUSTER_RESYNC_MS: '60000',
      PRESENCE_GRACE_MS: '0',
      CHAT_RATE_PER_MIN: '10000',
    };
    [a, b] = await Promise.all([startNode(env), startNode(env)]);
    for (const [sub, role] of [
      ['lms', 'admin'],
      ['mentor', 'mentor'],
      ['s1', 'student'],
      ['s2', 'student'],
      ['s3', 'student'],
      ['s4', 'student'],
    ] as const) {
      tokens[sub] = await token(sub, role);
    }
    const members = ['s1', 's2', 's3', 's4'].map((userId) => ({ userId, name: userId, role: 'student' }));
    const put = await fetch(`${a.base}/api/courses/c1/members`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.lms}`, 'content-type': 'application/json' },
      body: JSON.stringify({ members: [{ userId: 'mentor', name: 'mentor', role: 'mentor' }, ...members] }),
    });
    assert.equal(put.status, 200, await put.text());
    const created = await fetch(`${b.base}/api/live-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.mentor}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        courseId: 'c1',
        title: 'Two nodes',
        scheduledStart: new Date(Date.now() + 60_000).toISOString(),
        durationMinutes: 60,
      }),
    });
    const body = await created.text();
    assert.equal(created.status, 201, body);
    sessionId = (JSON.parse(body) as { id: string }).id;
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.kill();
    await database?.drop();
  });

  const on = async (node: NodeProcess, who: string, sinceSeq?: number) => {
    const s = await student(node.base, tokens[who] as string, sessionId, sinceSeq);
    sockets.push(s.socket);
    return s;
  };

  test('students on both nodes hear every event in seq order, whichever node it was sent to', async () => {
    const mentor = await on(a, 'mentor');
    const started = await request(mentor.socket, 'session:status', { sessionId, status: 'live' });
    assert.equal(started.ok, true, JSON.stringify(started));
    const [s1, s3] = await Promise.all([on(a, 's1'), on(b, 's3')]);
    const [fromA, fromB] = await Promise.all([say(mentor.socket, 'a', 15), say(s3.socket, 'b', 15)]);
    assert.equal(fromA.length + fromB.length, 30);
    for (const [s, who] of [
      [mentor, 'mentor on A'],
      [s1, 's1 on A'],
      [s3, 's3 on B'],
    ] as const) {
      await heardAll(s, [...fromA, ...fromB], who);
      assertInOrder(s, who);
    }
    assert.deepEqual(s1.seqs.slice(-30), s3.seqs.slice(-30), 'both nodes deliver the same events in the same order');
    const logged = await database.db
      .selectFrom('session_events')
      .select('seq')
      .where('session_id', '=', sessionId)
      .orderBy('seq')
      .execute();
    assert.deepEqual(
      logged.map((r) => Number(r.seq)),
      logged.map((_, i) => i + 1),
      'two nodes committing at once still give the log gap-free seqs',
    );
  });

  test('a reaction sent to one node reaches the students on both nodes in its bursts', { timeout: 15_000 }, async () => {
    const [s1, s3] = await Promise.all([on(a, 's1'), on(b, 's3')]);
    const counted = (s: Student) => {
      let claps = 0;
      return new Promise<number>((resolve) => {
        s.socket.on('reaction:burst', (burst: { sessionId: string; counts: { clap?: number } }) => {
          if (burst.sessionId === sessionId) claps += burst.counts.clap ?? 0;
          if (claps >= 3) resolve(claps);
        });
      });
    };
    const [onA, onB] = [counted(s1), counted(s3)];
    const sender = await connect(a.base, tokens.s2 as string);
    sockets.push(sender);
    for (let i = 0; i < 3; i++) assert.equal((await request(sender, 'reaction:send', { sessionId, reaction: 'clap' })).ok, true);
    assert.equal(await onA, 3, 'the node that took the reactions tells its own students');
    assert.equal(await onB, 3, 'and the other node, told through Redis, tells its students');
  });

  test("a user's attendance spans nodes: it closes with their last socket anywhere, and the count is of the class", async () => {
    const onA = await on(a, 's2');
    const onB = await on(b, 's2');
    const open = () =>
      database.db
        .selectFrom('session_attendance')
        .select('left_at')
        .where('session_id', '=', sessionId)
        .where('user_id', '=', 's2')
        .execute();
    assert.equal((await request(onA.socket, 'session:leave', { sessionId })).ok, true);
    assert.deepEqual(await open(), [{ left_at: null }], 'still in class through node B: one open segment');
    // A join rereads the other nodes' people when its node's copy is over a second old (a storm reads once a second).
    await sleep(1100);
    const watcher = await on(b, 'mentor');
    // mentor, s1, s3 and s2 are in class: the count is theirs across both nodes.
    assert.equal(watcher.ack.presence.count, 4, JSON.stringify(watcher.ack.presence));
    assert.equal((await request(onB.socket, 'session:leave', { sessionId })).ok, true);
    const rows = await open();
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0]?.left_at, null, 'left node B too: the segment is closed');
  });

  test('a Redis restart heals without restarting the nodes', async () => {
    const [sender, listener] = await Promise.all([on(a, 's4'), on(b, 's1')]);
    // Past the presence updates of those joins: nothing committed on B may reveal the gap for it.
    await sleep(1500);
    await redis.kill();
    const during = await say(sender.socket, 'outage', 5);
    const removed: unknown[] = [];
    const leaving = await on(b, 's2');
    leaving.socket.on('session:removed', (e: unknown) => removed.push(e));
    const gone = await fetch(`${a.base}/api/courses/c1/members/s2`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.lms}` },
    });
    assert.equal(gone.status, 204, await gone.text());
    assert.equal(during.length, 5, 'the class goes on while Redis is away');
    const rest = await fetch(`${b.base}/api/live-sessions/${sessionId}`, { headers: { authorization: `Bearer ${tokens.s1}` } });
    assert.equal(rest.status, 200, 'REST answers without Redis (each node limits on its own meanwhile)');
    await redis.start();
    await heardAll(listener, during, 'a student on B, after Redis came back');
    for (let i = 0; i < 100 && removed.length === 0; i++) await sleep(50);
    assert.equal(removed.length, 1, 'a roster removal made on A during the outage reached s2 on B once Redis was back');
    const afterwards = await say(sender.socket, 'healed', 5);
    await heardAll(listener, afterwards, 'a student on B, live again');
    assertInOrder(listener, 's1 on B');
  });

  test('killing a node loses nothing it acknowledged: its students resume on the other node', async () => {
    const onB = await on(b, 's3');
    const talker = await on(b, 's4');
    const mentor = await on(a, 'mentor');
    const fromB = say(talker.socket, 'doomed', 200);
    const fromA = say(mentor.socket, 'survivor', 20);
    await sleep(150);
    await b.kill();
    const acked = [...(await fromB), ...(await fromA)];
    assert.ok(
      acked.some((m) => m.startsWith('doomed')),
      'node B acknowledged messages before it died',
    );
    const last = onB.seqs.at(-1) ?? 0;
    const resumed = await on(a, 's3', last);
    // What s3 heard on both nodes; what is still on its way arrives live after the replay.
    const heard = {
      get chats() {
        return [...onB.chats, ...resumed.chats];
      },
      get seqs() {
        return [...onB.seqs, ...resumed.seqs];
      },
    };
    await heardAll(heard, acked, 's3, resumed on A');
    assertInOrder(heard, 's3 across the failover');
    b = await startNode(env);
  });
});

describe('two nodes with fast heals and a small REST budget', { skip: !targets.includes('postgres') && 'needs PostgreSQL' }, () => {
  let database: { db: Db; drop: () => Promise<void>; url?: string };
  let redis: RedisProcess;
  let a: NodeProcess;
  let b: NodeProcess;
  const sockets: Socket[] = [];

  before(async () => {
    database = await freshDatabase('postgres');
    redis = await startRedis();
    const env = {
      DATABASE_URL: database.url as string,
      REDIS_URL: redis.url,
      CLUSTER_RESYNC_MS: '200',
      PRESENCE_GRACE_MS: '0',
      RATE_LIMIT_MAX: '5',
    };
    [a, b] = await Promise.all([startNode(env), startNode(env)]);
    const lms = await token('lms', 'admin');
    const put = await fetch(`${a.base}/api/courses/c2/members`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${lms}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        members: [
          { userId: 'stays', role: 'student' },
          { userId: 'gone', role: 'student' },
          { userId: 'busy', role: 'student' },
        ],
      }),
    });
    assert.equal(put.status, 200, await put.text());
    const created = await fetch(`${b.base}/api/live-sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${lms}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        courseId: 'c2',
        title: 'x',
        scheduledStart: new Date(Date.now() + 60_000).toISOString(),
        durationMinutes: 60,
      }),
    });
    sessionId = ((await created.json()) as { id: string }).id;
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.kill();
    await database?.drop();
  });

  test('a user has one REST budget across nodes, not one per node', async () => {
    const busy = await token('busy', 'student');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const node = i % 2 === 0 ? a : b;
      statuses.push((await fetch(`${node.base}/api/live-sessions/${sessionId}`, { headers: { authorization: `Bearer ${busy}` } })).status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
  });

  test('while Redis is away no node closes attendance another node holds', async () => {
    const held = await student(b.base, await token('busy', 'student'), sessionId);
    sockets.push(held.socket);
    await redis.kill();
    // Well past six heals (when orphaned segments are adopted) and the grace period of 0.
    await sleep(2500);
    const row = await database.db
      .selectFrom('session_attendance')
      .select('left_at')
      .where('session_id', '=', sessionId)
      .where('user_id', '=', 'busy')
      .executeTakeFirstOrThrow();
    await redis.start();
    assert.equal(row.left_at, null, 'the student on node B is still in class');
    held.socket.disconnect();
  });

  test('a surviving node closes the segments of students a dead node held who do not come back, and only theirs', async () => {
    sockets.push((await student(a.base, await token('stays', 'student'), sessionId)).socket);
    sockets.push((await student(b.base, await token('gone', 'student'), sessionId)).socket);
    await b.kill();
    const segment = (user: string) =>
      database.db
        .selectFrom('session_attendance')
        .select('left_at')
        .where('session_id', '=', sessionId)
        .where('user_id', '=', user)
        .executeTakeFirstOrThrow();
    const deadline = Date.now() + 15_000;
    while ((await segment('gone')).left_at === null) {
      if (Date.now() > deadline) assert.fail("the dead node's student is still present after 15 s");
      await sleep(100);
    }
    assert.equal((await segment('stays')).left_at, null, 'the student on the live node is still present');
  });
});
