/**
 * The delivery guarantee, end to end: clients chat, ask, upvote and vote while the server process is killed with
 * SIGKILL and started again on the same database. Afterwards every acknowledged action is in the database, and every
 * client received every event of the session exactly once, in seq order, with no gaps.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { io, type Socket } from 'socket.io-client';
import { signToken } from '../auth/tokens.ts';
import { type Db, openDatabase } from '../db/kysely.ts';
import { dbTargets, POSTGRES_URL, TEST_SECRET } from '../test/harness.ts';
import { freePort } from '../test/nodes.ts';

const root = join(import.meta.dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secret = new TextEncoder().encode(TEST_SECRET);
const token = (sub: string, role: 'student' | 'mentor' | 'admin') => signToken(secret, { sub, name: sub, role });

/** The service as a real process on a fixed port, so clients can come back to it after a kill. */
async function startServer(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stderr?.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('Server listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    setTimeout(() => reject(new Error(`no start within 30 s: ${out}`)), 30_000).unref();
  });
  return child;
}

/** A class member's client: keeps what it received in order and rejoins with sinceSeq after any disconnect. */
class Member {
  received: number[] = [];
  problems: string[] = [];
  socket?: Socket;
  readonly base: string;
  readonly tokenValue: string;
  readonly sessionId: string;
  constructor(base: string, tokenValue: string, sessionId: string) {
    this.base = base;
    this.tokenValue = tokenValue;
    this.sessionId = sessionId;
  }

  private take(payload: { seq?: number } | undefined) {
    const seq = payload?.seq;
    if (typeof seq !== 'number') return;
    const last = this.received.at(-1) ?? 0;
    if (seq !== last + 1) this.problems.push(`got ${seq} after ${last}`);
    if (seq > last) this.received.push(seq);
  }

  async connect(): Promise<void> {
    for (;;) {
      const socket = io(this.base, { auth: { token: this.tokenValue }, transports: ['websocket'], reconnection: false, forceNew: true });
      const ok = await new Promise<boolean>((resolve) => {
        socket.once('connect', () => resolve(true));
        socket.once('connect_error', () => resolve(false));
      });
      if (!ok) {
        socket.close();
        await sleep(100);
        continue;
      }
      // Live events that arrive before the join's ack has been applied wait for it, as the web app's client does: the
      // server sends the ack first, but the ack's promise settles after the handlers of frames read with it.
      let early: ({ seq?: number } | undefined)[] | undefined = [];
      socket.onAny((_event: string, payload: { seq?: number }) => (early ? early.push(payload) : this.take(payload)));
      const ack = await socket
        .timeout(5000)
        .emitWithAck('session:join', { sessionId: this.sessionId, sinceSeq: this.received.at(-1) ?? 0 })
        .catch(() => null);
      if (!ack?.ok) {
        socket.close();
        await sleep(100);
        continue;
      }
      for (const e of ack.data.events as { payload: { seq: number } }[]) this.take(e.payload);
      for (const payload of early) this.take(payload);
      early = undefined;
      if (ack.data.hasMore) this.problems.push('replay did not fit in one ack');
      this.socket = socket;
      socket.once('disconnect', () => {
        if (this.socket === socket) this.socket = undefined;
      });
      return;
    }
  }

  /** Emits and returns the ack data, or undefined when the server went away before acknowledging. */
  async act(event: string, payload: unknown): Promise<any> {
    const socket = this.socket;
    if (!socket) return undefined;
    const ack = await socket
      .timeout(3000)
      .emitWithAck(event, payload)
      .catch(() => null);
    return ack?.ok ? ack.data : undefined;
  }
}

async function runScenario(env: Record<string, string>, db: () => Promise<Db>) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverEnv = {
    ...env,
    PORT: String(port),
    JWT_SECRET: TEST_SECRET,
    PRESENCE_GRACE_MS: '3000',
    CHAT_RATE_PER_MIN: '10000',
    QA_RATE_PER_MIN: '10000',
    UPVOTE_RATE_PER_MIN: '10000',
    VOTE_RATE_PER_MIN: '10000',
    RATE_LIMIT_MAX: '100000',
  };
  let server = await startServer(serverEnv);
  const api = async (method: string, path: string, tok: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return res.json() as Promise<any>;
  };
  const ids = ['mentor', 's1', 's2', 's3'];
  const members = [{ userId: 'mentor', role: 'mentor' }, ...ids.slice(1).map((userId) => ({ userId, role: 'student' }))];
  await api('PUT', '/api/courses/c1/members', await token('lms', 'admin'), { members });
  const mentorToken = await token('mentor', 'mentor');
  const session = await api('POST', '/api/live-sessions', mentorToken, {
    courseId: 'c1',
    title: 'Kill me',
    scheduledStart: '2026-12-01T10:00:00Z',
    durationMinutes: 60,
  });
  await api('PUT', `/api/live-sessions/${session.id}`, mentorToken, { status: 'live' });
  const clients = await Promise.all(
    ids.map(async (id) => new Member(base, await token(id, id === 'mentor' ? 'mentor' : 'student'), session.id)),
  );
  await Promise.all(clients.map((c) => c.connect()));
  const poll = await clients[0]!.act('poll:create', { sessionId: session.id, question: 'Pick', type: 'single', options: ['a', 'b', 'c'] });
  assert.ok(poll, 'the poll was created');

  const acked = { chat: [] as string[], questions: [] as string[], votes: new Map<string, number>() };
  let running = true;
  const traffic = clients.map(async (client, i) => {
    for (let n = 0; running; n++) {
      const chat = await client.act('chat:send', { sessionId: session.id, body: `m${i}-${n}` });
      if (chat) acked.chat.push(chat.id ?? chat.message?.id);
      if (i > 0 && n % 5 === 0) {
        const q = await client.act('qa:ask', { sessionId: session.id, question: `q${i}-${n}` });
        if (q) acked.questions.push(q.id ?? q.question?.id);
        if (q) await client.act('qa:upvote', { qaId: q.id ?? q.question?.id });
      }
      if (i > 0 && n % 3 === 0) {
        const choice = n % 3;
        if (await client.act('poll:vote', { pollId: poll.id ?? poll.poll?.id, choice })) acked.votes.set(ids[i]!, choice);
      }
      if (!client.socket) await client.connect();
      await sleep(10);
    }
  });

  await sleep(1000);
  server.kill('SIGKILL');
  await once(server, 'exit');
  await sleep(300);
  server = await startServer(serverEnv);
  await sleep(1500);
  running = false;
  await Promise.all(traffic);
  await sleep(1500); // coalesced broadcasts (results, upvotes, presence) go out within this
  for (const c of clients) c.socket?.close();
  server.kill('SIGTERM');
  await once(server, 'exit');

  const d = await db();
  try {
    const pollId = poll.id ?? poll.poll?.id;
    const chat = new Set((await d.selectFrom('session_chat').select('id').execute()).map((r) => r.id));
    const questions = new Set((await d.selectFrom('session_qa').select('id').execute()).map((r) => r.id));
    const votes = await d.selectFrom('poll_responses').select(['user_id', 'choice']).where('poll_id', '=', pollId).execute();
    const events = (await d.selectFrom('session_events').select('seq').where('session_id', '=', session.id).orderBy('seq').execute()).map(
      (r) => Number(r.seq),
    );
    assert.ok(acked.chat.length > 20 && acked.questions.length > 0 && acked.votes.size > 0, 'traffic flowed');
    console.log(
      `delivery: ${acked.chat.length} chat, ${acked.questions.length} questions, ${acked.votes.size} voters acknowledged; ${events.length} events; ${clients.length} members`,
    );
    for (const id of acked.chat) assert.ok(chat.has(id), `acknowledged chat ${id} is in the database`);
    for (const id of acked.questions) assert.ok(questions.has(id), `acknowledged question ${id} is in the database`);
    for (const [user, choice] of acked.votes) {
      assert.deepEqual(votes.find((v) => v.user_id === user)?.choice, choice, `${user}'s last acknowledged vote`);
    }
    assert.deepEqual(
      events,
      events.map((_, i) => i + 1),
      'the log has no gaps',
    );
    for (const c of clients) {
      assert.deepEqual(c.problems, [], 'no gaps and no duplicates on the wire');
      assert.deepEqual(c.received, events, 'every member received every event, in order');
    }
  } finally {
    await d.destroy();
  }
}

/** Tallies and counts are broadcast a moment after the write: a crash in that moment must not lose them. */
async function runOwedBroadcastScenario(env: Record<string, string>, db: () => Promise<Db>) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverEnv = { ...env, PORT: String(port), JWT_SECRET: TEST_SECRET };
  let server = await startServer(serverEnv);
  const api = async (method: string, path: string, tok: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    assert.ok(res.ok, `${method} ${path}: ${res.status}`);
    return res.json() as Promise<any>;
  };
  await api('PUT', '/api/courses/c2/members', await token('lms', 'admin'), {
    members: [
      { userId: 'm2', role: 'mentor' },
      { userId: 'st', role: 'student' },
    ],
  });
  const mentor = await token('m2', 'mentor');
  const student = await token('st', 'student');
  const session = await api('POST', '/api/live-sessions', mentor, {
    courseId: 'c2',
    title: 'Owed',
    scheduledStart: '2026-12-01T10:00:00Z',
    durationMinutes: 60,
  });
  await api('PUT', `/api/live-sessions/${session.id}`, mentor, { status: 'live' });
  const poll = await api('POST', `/api/live-sessions/${session.id}/polls`, mentor, {
    question: 'Pick',
    type: 'single',
    options: ['a', 'b'],
  });
  const question = await api('POST', `/api/live-sessions/${session.id}/qa`, student, { question: 'Why?' });
  await api('POST', `/api/live-sessions/${session.id}/polls/${poll.id}/respond`, student, { choice: 1 });
  await api('POST', `/api/live-sessions/${session.id}/qa/${question.id}/upvote`, mentor);
  server.kill('SIGKILL'); // inside the coalescing window: neither broadcast has gone out
  await once(server, 'exit');
  server = await startServer(serverEnv);
  await sleep(1500);
  server.kill('SIGTERM');
  await once(server, 'exit');
  const d = await db();
  try {
    const events = await d
      .selectFrom('session_events')
      .select(['event', 'payload'])
      .where('session_id', '=', session.id)
      .orderBy('seq')
      .execute();
    const results = events.filter((e) => e.event === 'poll:results').at(-1)?.payload as { results: { counts: number[] } } | undefined;
    const updated = events.filter((e) => e.event === 'qa:updated').at(-1)?.payload as { question: { upvotes: number } } | undefined;
    assert.deepEqual(results?.results.counts, [0, 1], 'the owed poll:results went out after the restart');
    assert.equal(updated?.question.upvotes, 1, 'the owed qa:updated went out after the restart');
  } finally {
    await d.destroy();
  }
}

for (const target of await dbTargets('delivery guarantee')) {
  describe(`the delivery guarantee on ${target}`, () => {
    test('acknowledged events survive a SIGKILL and reach every member exactly once, in order', { timeout: 90_000 }, async () => {
      if (target === 'pglite') {
        const dir = mkdtempSync(join(tmpdir(), 'spl-delivery-'));
        after(() => rmSync(dir, { recursive: true, force: true }));
        await runScenario({ DATA_DIR: dir }, async () => (await openDatabase({ dataDir: dir })).db);
        await runOwedBroadcastScenario({ DATA_DIR: dir }, async () => (await openDatabase({ dataDir: dir })).db);
        return;
      }
      const name = `spl_delivery_${Date.now()}`;
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(POSTGRES_URL);
      url.pathname = `/${name}`;
      try {
        const open = async () => (await openDatabase({ databaseUrl: url.toString(), dataDir: '' })).db;
        await runScenario({ DATABASE_URL: url.toString() }, open);
        await runOwedBroadcastScenario({ DATABASE_URL: url.toString() }, open);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    });
  });
}
