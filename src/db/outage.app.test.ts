/**
 * The app on a PostgreSQL of the test's own, stopped mid-class and started again: what clients and operators see.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket } from 'socket.io-client';
import { buildApp } from '../app.ts';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import { makeCourse, makeSession, TEST_SECRET, type TestApp, testConfig } from '../test/harness.ts';
import { type PostgresProcess, postgresBin, startPostgres } from '../test/postgres.ts';
import { connect, request } from '../test/sockets.ts';
import { migrateToLatest, openDatabase } from './kysely.ts';

const bin = postgresBin();
const UNAVAILABLE = { code: 'UNAVAILABLE', message: 'The database is unavailable; retry shortly', retryable: true };

/** Keeps trying until `check` passes (the pool reconnects on its own once the server is back). */
async function eventually(check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(200);
    }
  }
}

describe('a database outage', { skip: !bin && 'needs PostgreSQL server binaries (/usr/lib/postgresql/*/bin)' }, () => {
  let pgp: PostgresProcess;
  let t: TestApp;
  let base: string;
  const logLines: { level: number; msg: string }[] = [];
  const sockets: Socket[] = [];
  const logged = (msg: RegExp) => logLines.filter((l) => msg.test(l.msg));

  before(async () => {
    pgp = await startPostgres(bin as string);
    const { db } = await openDatabase({ databaseUrl: pgp.url, dataDir: '' });
    await migrateToLatest(db);
    const config = testConfig();
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
        done();
      },
    });
    const app = await buildApp(config, { db, logger: { level: 'info', stream } });
    const { issuer, audience } = config.auth;
    const key = new TextEncoder().encode(TEST_SECRET);
    t = {
      app,
      db,
      token: (claims) => signToken(key, { name: claims.sub, role: 'student', ...claims } as Claims, { issuer, audience }),
      request: ({ method, url, token, body }) =>
        app.inject({
          method,
          url,
          headers: token ? { authorization: `Bearer ${token}` } : {},
          ...(body !== undefined ? { payload: body as object } : {}),
        }),
      close: async () => {
        await app.close();
        await db.destroy();
      },
    };
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await t?.close();
    await pgp?.destroy();
  });

  test('while down: REST 503 with Retry-After, acks UNAVAILABLE retryable, one log line; after: all works again', async () => {
    const c = await makeCourse(t);
    const session = await makeSession(t, c.mentor, c.courseId);
    const live = await t.request({ method: 'PUT', url: `/api/live-sessions/${session.id}`, token: c.mentor, body: { status: 'live' } });
    assert.equal(live.statusCode, 200, live.body);
    const student = await connect(base, c.student);
    sockets.push(student);
    assert.equal((await request(student, 'session:join', { sessionId: session.id })).ok, true);
    assert.equal((await request(student, 'chat:send', { sessionId: session.id, body: 'before' })).ok, true);
    const post = () =>
      t.request({ method: 'POST', url: `/api/live-sessions/${session.id}/chat`, token: c.mentor, body: { body: 'hello' } });
    const newcomer = await t.token({ sub: 'newcomer' });

    await pgp.stop();

    for (let i = 0; i < 10; i++) {
      const res = await post();
      assert.equal(res.statusCode, 503, res.body);
      assert.deepEqual(res.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable; retry shortly' } });
      assert.equal(res.headers['retry-after'], '5');
    }
    // A user the process has not seen is recorded on their first request: that needs the database too.
    assert.equal((await t.request({ method: 'GET', url: `/api/live-sessions/${session.id}`, token: newcomer })).statusCode, 503);
    for (let i = 0; i < 10; i++) {
      assert.deepEqual(await request(student, 'chat:send', { sessionId: session.id, body: `during ${i}` }), {
        ok: false,
        error: UNAVAILABLE,
      });
    }
    await assert.rejects(connect(base, newcomer), (err: Error & { data?: unknown }) => {
      assert.deepEqual(err.data, UNAVAILABLE);
      return true;
    });
    assert.equal((await t.request({ method: 'GET', url: '/healthz' })).statusCode, 503);

    const errors = logLines.filter((l) => l.level >= 50);
    assert.equal(logged(/^database unavailable/).length, 1, JSON.stringify(errors.map((l) => l.msg)));
    assert.equal(logged(/request failed|socket event failed|socket handshake failed|health check/).length, 0);

    await pgp.start();

    await eventually(async () => assert.equal((await post()).statusCode, 201));
    const ack = await request(student, 'chat:send', { sessionId: session.id, body: 'after' });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    sockets.push(await connect(base, newcomer));
    assert.equal((await t.request({ method: 'GET', url: '/healthz' })).statusCode, 200);
    await eventually(async () => assert.equal(logged(/^database available again/).length, 1));
    assert.equal(logged(/^database unavailable/).length, 1);
    const back = logged(/^database available again/)[0] as { refused?: number; level: number };
    assert.equal(back.level, 40);
    assert.ok((back.refused ?? 0) >= 22, `refused: ${back.refused}`);
  });
});
