import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { io } from 'socket.io-client';
import { auditRows, makeTwoCourseApp, TEST_SECRET, type TestApp, type Course } from '../test/harness.ts';
import { connect, listen } from '../test/sockets.ts';
import { signToken } from '../auth/tokens.ts';

const refusedWith = (code: string) => (err: Error & { data?: { code: string } }) => err.data?.code === code;

/** A connection over HTTP long-polling only, as old proxies force: the origin check must hold there too. */
function pollingConnect(base: string, token: string, origin: string): Promise<void> {
  const socket = io(base, { auth: { token }, transports: ['polling'], reconnection: false, forceNew: true, extraHeaders: { origin } });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      resolve();
    });
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

describe('the Socket.IO handshake', () => {
  let t: TestApp;
  let c: Course;
  let base: string;
  before(async () => {
    ({ t, c } = await makeTwoCourseApp('pglite', { RATE_LIMIT_MAX: '3', CORS_ORIGINS: 'https://lms.example.com' }));
    base = await listen(t);
  });
  after(() => t.close());

  test('an expired token is TOKEN_EXPIRED and an alg:none token UNAUTHENTICATED, as on REST', async () => {
    const expired = await signToken(new TextEncoder().encode(TEST_SECRET), { sub: 'x', name: 'X', role: 'student' }, { ttlSeconds: -60 });
    await assert.rejects(connect(base, expired), refusedWith('TOKEN_EXPIRED'));
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', name: 'X', role: 'admin', exp: Math.floor(Date.now() / 1000) + 600 })}.`;
    await assert.rejects(connect(base, none), refusedWith('UNAUTHENTICATED'));
  });

  test('an origin in CORS_ORIGINS may connect over either transport; any other origin over neither', async () => {
    await pollingConnect(base, c.student, 'https://lms.example.com');
    const ws = await connect(base, c.student, { extraHeaders: { origin: 'https://lms.example.com' } });
    ws.close();
    await assert.rejects(pollingConnect(base, c.student, 'https://evil.example'));
    await assert.rejects(connect(base, c.student, { extraHeaders: { origin: 'https://evil.example' } }));
  });

  test('an address that keeps failing the handshake gets RATE_LIMITED, and the audit log stops growing', async () => {
    const before = (await auditRows(t.db, { action: 'auth.reject' })).length;
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      await connect(base, 'garbage').catch((err: Error & { data?: { code: string } }) => codes.push(err.data?.code ?? '?'));
    }
    assert.deepEqual(codes.slice(-2), ['RATE_LIMITED', 'RATE_LIMITED']);
    const written = (await auditRows(t.db, { action: 'auth.reject' })).length - before;
    assert.ok(written <= 3, `${written} audit rows for 6 failures`);
    const ok = await connect(base, c.student);
    ok.close();
  });
});
