/**
 * Graceful shutdown, as an operator sees it: SIGTERM a server while a class is busy, and nothing acknowledged is
 * lost, every socket hears that it should reconnect, the process exits 0 within SHUTDOWN_TIMEOUT_MS, and the PGlite
 * folder opens at once. (A close that hangs, and signals that are not a stop: server.signals.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { signToken } from './auth/tokens.ts';
import { type Db, openDatabase } from './db/kysely.ts';
import { dbTargets, freshDatabase, TEST_SECRET } from './test/harness.ts';
import { startServer, stopServers } from './test/server-process.ts';

const SHUTDOWN_TIMEOUT_MS = 8000;
const secret = new TextEncoder().encode(TEST_SECRET);
const token = (sub: string, role: 'student' | 'mentor' | 'admin') => signToken(secret, { sub, name: sub, role });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  stopServers();
  for (const clean of cleanups) await clean();
});

async function call(base: string, bearer: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A live class with a poll, and its students' tokens. */
async function busyClass(base: string, students: number) {
  const admin = await token('lms', 'admin');
  const ids = Array.from({ length: students }, (_, i) => `s${i}`);
  await call(base, admin, 'PUT', '/api/courses/c1/members', {
    members: [{ userId: 'm1', name: 'Mia', role: 'mentor' }, ...ids.map((userId) => ({ userId, name: userId, role: 'student' }))],
  });
  const mentor = await token('m1', 'mentor');
  const session = await call(base, mentor, 'POST', '/api/live-sessions', {
    courseId: 'c1',
    title: 'Shutdown drill',
    scheduledStart: new Date(Date.now() + 60_000).toISOString(),
    durationMinutes: 60,
  });
  await call(base, mentor, 'PUT', `/api/live-sessions/${session.id}`, { status: 'live' });
  const poll = await call(base, mentor, 'POST', `/api/live-sessions/${session.id}/polls`, {
    question: 'Pick',
    type: 'single',
    options: ['A', 'B', 'C'],
  });
  return {
    sessionId: session.id as string,
    pollId: poll.id as string,
    students: await Promise.all(ids.map(async (id) => ({ id, token: await token(id, 'student') }))),
  };
}

type Outcome = 'pending' | 'ok' | string;

/** Set just before the SIGTERM: actions sent earlier were in the server's hands before it began to close. */
let terminating = false;

interface Action {
  outcome: Outcome;
  beforeSigterm: boolean;
}

/**
 * A student sending chat messages and votes without pause, a few in flight at a time, until the server says it is
 * closing (a refusal or the shutdown notice), as a well-behaved client would.
 */
class BusyStudent {
  readonly chats = new Map<string, Action>();
  /** Votes in the order sent: the choice and what became of it. */
  readonly votes: (Action & { choice: number })[] = [];
  shutdownNotice?: { reconnect: boolean; retryAfterMs: number };
  disconnectReason?: string;
  /** Actions sent before the SIGTERM and still unanswered when the connection closed. */
  unansweredFromBefore = 0;
  unansweredAtDisconnect = 0;
  stopped = false;
  socket!: Socket;
  readonly id: string;
  constructor(id: string) {
    this.id = id;
  }

  actions(): Action[] {
    return [...this.chats.values(), ...this.votes];
  }

  async join(base: string, tokenValue: string, sessionId: string) {
    this.socket = io(base, { auth: { token: tokenValue }, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise((resolve) => this.socket.once('connect', () => resolve(undefined)));
    this.socket.on('server:shutdown', (p) => {
      this.shutdownNotice = p;
      this.stopped = true;
    });
    this.socket.on('disconnect', (reason) => {
      this.disconnectReason = reason;
      const pending = this.actions().filter((a) => a.outcome === 'pending');
      this.unansweredAtDisconnect = pending.length;
      this.unansweredFromBefore = pending.filter((a) => a.beforeSigterm).length;
    });
    const joined = await this.socket.emitWithAck('session:join', { sessionId });
    assert.ok(joined.ok, JSON.stringify(joined));
  }

  run(sessionId: string, pollId: string) {
    let n = 0;
    const settle = (action: Action, reply: { ok: boolean; error?: { code: string } }) => {
      action.outcome = reply.ok ? 'ok' : `error:${reply.error?.code}`;
      if (!reply.ok) this.stopped = true;
      next();
    };
    const next = (): void => {
      if (this.stopped || !this.socket.connected) return;
      n += 1;
      if (n % 3 === 0) {
        const vote = { choice: (n / 3) % 3, outcome: 'pending', beforeSigterm: !terminating };
        this.votes.push(vote);
        this.socket.emit('poll:vote', { pollId, choice: vote.choice }, (reply: never) => settle(vote, reply));
      } else {
        const body = `${this.id} message ${n}`;
        const chat = { outcome: 'pending', beforeSigterm: !terminating };
        this.chats.set(body, chat);
        this.socket.emit('chat:send', { sessionId, body }, (reply: never) => settle(chat, reply));
      }
    };
    for (let i = 0; i < 4; i++) next();
  }
}

for (const target of await dbTargets('graceful shutdown')) {
  describe(`graceful shutdown on ${target}`, () => {
    test('SIGTERM under load: nothing acknowledged is lost, sockets are told to reconnect, exit 0 in time', async (t) => {
      let env: Record<string, string>;
      let openAfter: () => Promise<Db>;
      if (target === 'pglite') {
        const dataDir = mkdtempSync(join(tmpdir(), 'spl-shutdown-'));
        cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
        env = { DATA_DIR: dataDir };
        openAfter = async () => (await openDatabase({ dataDir })).db;
      } else {
        const fresh = await freshDatabase('postgres');
        cleanups.push(fresh.drop);
        env = { DATABASE_URL: fresh.url ?? '', DATA_DIR: '/nonexistent' };
        openAfter = async () => fresh.db;
      }
      const server = await startServer({
        ...env,
        LOG_LEVEL: 'info',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        RATE_LIMIT_MAX: '100000',
        CHAT_RATE_PER_MIN: '10000',
        VOTE_RATE_PER_MIN: '10000',
      });
      const cls = await busyClass(server.base, 6);
      const students = cls.students.map((s) => new BusyStudent(s.id));
      await Promise.all(students.map((s, i) => s.join(server.base, cls.students[i]?.token ?? '', cls.sessionId)));
      for (const s of students) s.run(cls.sessionId, cls.pollId);
      const acked = () => students.reduce((sum, s) => sum + [...s.chats.values()].filter((c) => c.outcome === 'ok').length, 0);
      const deadline = Date.now() + 20_000;
      while (acked() < 60 && Date.now() < deadline) await sleep(50);
      assert.ok(acked() >= 60, `the class got going (${acked()} acked)`);

      terminating = true;
      const ackedBefore = students.reduce((sum, s) => sum + s.actions().filter((a) => a.outcome === 'ok').length, 0);
      const { code, ms } = await server.terminate();
      assert.equal(code, 0, server.output());
      assert.ok(ms < SHUTDOWN_TIMEOUT_MS, `exited in ${ms} ms`);
      assert.match(server.output(), /shutting down/);

      const db = await openAfter();
      try {
        const chat = new Set(
          (await db.selectFrom('session_chat').select('body').where('session_id', '=', cls.sessionId).execute()).map((r) => r.body),
        );
        const choices = new Map(
          (await db.selectFrom('poll_responses').select(['user_id', 'choice']).where('poll_id', '=', cls.pollId).execute()).map((r) => [
            r.user_id,
            r.choice,
          ]),
        );
        for (const s of students) {
          await sleep(0);
          assert.equal(s.disconnectReason, 'transport close', `${s.id}: a closed transport, which Socket.IO clients reconnect after`);
          assert.equal(s.shutdownNotice?.reconnect, true, `${s.id} heard server:shutdown`);
          assert.ok((s.shutdownNotice?.retryAfterMs ?? 0) > 0);
          for (const [body, { outcome }] of s.chats) {
            if (outcome === 'ok') assert.ok(chat.has(body), `acknowledged "${body}" is in the database`);
            else assert.match(outcome, /^(pending|error:UNAVAILABLE)$/);
          }
          // Everything the server had taken before it began to close was committed and answered before the close.
          assert.equal(s.unansweredFromBefore, 0, `${s.id}: actions sent before the SIGTERM went unanswered`);
          // The stored vote is the last acknowledged one, or a later one that was never acknowledged.
          const lastOk = s.votes.findLastIndex((v) => v.outcome === 'ok');
          const allowed = s.votes.slice(lastOk).map((v) => v.choice);
          if (lastOk >= 0)
            assert.ok(
              allowed.includes(choices.get(s.id) as number),
              `${s.id}: stored ${choices.get(s.id)}, acked ${s.votes[lastOk]?.choice}`,
            );
        }
        const all = students.flatMap((s) => s.actions());
        const ackedDuring = all.filter((a) => a.outcome === 'ok').length - ackedBefore;
        const refused = all.filter((a) => a.outcome === 'error:UNAVAILABLE').length;
        const unanswered = students.reduce((sum, s) => sum + s.unansweredAtDisconnect, 0);
        t.diagnostic(
          `exit 0 after ${ms} ms; ${all.length} actions sent, ${ackedBefore} acknowledged before the SIGTERM and ${ackedDuring} during the close, ${refused} refused while closing, ${unanswered} unanswered at the disconnect (all sent after the SIGTERM)`,
        );
      } finally {
        if (target === 'pglite') await db.destroy();
      }
    });
  });
}
