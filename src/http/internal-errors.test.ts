/**
 * A plain bug (not the database away, not the client's mistake) as a client and an operator see it: REST answers
 * 500 INTERNAL and a socket action's ack is INTERNAL, not retryable; neither says what went wrong inside, and the
 * log says it once, with what was being done and for whom.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../db/kysely.ts';
import { dbHooks } from '../test/db-hooks.ts';
import { type LogLine, makeFaultyApp } from '../test/faulty-db.ts';
import { type Course, makeCourse, makeSession, type TestApp } from '../test/harness.ts';
import { listen, request, socketPool } from '../test/sockets.ts';

const INTERNAL = { code: 'INTERNAL', message: 'Internal server error' };
/** What a bug in a query looks like: an SQLSTATE that is the statement's fault, and internals in the message. */
const bug = () => Object.assign(new Error('column m.secret_internal_detail does not exist'), { code: '42703' });

describe('an unexpected error', () => {
  let t: TestApp;
  let c: Course;
  let logs: LogLine[];
  let hooks: ReturnType<typeof dbHooks> | undefined;
  let base: string;
  const pool = socketPool(() => base);
  before(async () => {
    const wrapDb = (db: Db) => {
      hooks = dbHooks(db);
      return hooks.db;
    };
    ({ t, logs } = await makeFaultyApp('pglite', {}, { wrapDb }));
    c = await makeCourse(t);
    base = await listen(t);
  });
  after(async () => {
    pool.closeAll();
    await t.close();
  });

  /** The error lines logged while `act` ran. */
  async function errorsDuring(act: () => Promise<void>): Promise<LogLine[]> {
    const from = logs.length;
    await act();
    return logs.slice(from).filter((l) => l.level >= 50);
  }

  test('over REST is 500 INTERNAL without the internals, logged once with the request and the user', async () => {
    const session = await makeSession(t, c.mentor, c.courseId);
    const url = `/api/live-sessions/${session.id}/chat`;
    let res: Awaited<ReturnType<TestApp['request']>> | undefined;
    const errors = await errorsDuring(async () => {
      const failed = hooks?.after('session_chat', () => Promise.reject(bug()), { kind: 'select' });
      res = await t.request({ method: 'GET', url, token: c.student });
      await failed;
    });
    assert.equal(res?.statusCode, 500, res?.body);
    assert.deepEqual(res?.json(), { error: INTERNAL });
    assert.doesNotMatch(res?.body ?? '', /secret_internal_detail|42703/);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    const line = errors[0] as LogLine & { err?: { message: string }; req?: { method: string; url: string }; userId?: string };
    assert.equal(line.msg, 'request failed');
    assert.match(line.err?.message ?? '', /secret_internal_detail/, 'the operator sees what went wrong');
    assert.ok(line.reqId, 'the request id ties it to the access log');
    assert.deepEqual(
      { method: line.req?.method, url: line.req?.url, userId: line.userId },
      { method: 'GET', url, userId: `${c.courseId}-s1` },
    );
  });

  test('on a socket action is an INTERNAL ack, not retryable, logged once with the event and the user', async () => {
    const session = await makeSession(t, c.mentor, c.courseId);
    const socket = await pool.open(c.student);
    let ack: Awaited<ReturnType<typeof request>> | undefined;
    const errors = await errorsDuring(async () => {
      const failed = hooks?.after('live_sessions', () => Promise.reject(bug()), { kind: 'select' });
      ack = await request(socket, 'session:join', { sessionId: session.id });
      await failed;
    });
    assert.deepEqual(ack, { ok: false, error: INTERNAL });
    assert.equal(errors.length, 1, JSON.stringify(errors));
    const line = errors[0] as LogLine & { err?: { message: string }; event?: string; userId?: string };
    assert.equal(line.msg, 'socket event failed');
    assert.match(line.err?.message ?? '', /secret_internal_detail/);
    assert.deepEqual({ event: line.event, userId: line.userId }, { event: 'session:join', userId: `${c.courseId}-s1` });
    // The socket is fine: the next action goes through.
    assert.equal((await request(socket, 'session:join', { sessionId: session.id })).ok, true);
  });
});
