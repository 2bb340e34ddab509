import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { auditRows, makeCourse, makeTestApp } from '../test/harness.ts';
import { assertError, sessionBody } from '../test/http.ts';

describe('requests refused before routing, and audited refusals', () => {
  test('oversized headers get 431 HEADERS_TOO_LARGE and a garbled request line a 400, both in the error envelope', async () => {
    const t = await makeTestApp();
    try {
      const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`${base}/api/live-sessions`, { headers: { authorization: `Bearer ${'x'.repeat(20_000)}` } });
      assert.equal(res.status, 431);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'HEADERS_TOO_LARGE');
      const { port } = new URL(base);
      const raw = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('NONSENSE\r\n\r\n'));
        let data = '';
        socket.on('data', (d) => (data += d));
        socket.on('close', () => resolve(data));
      });
      assert.match(raw, /^HTTP\/1\.1 400/);
      assert.match(raw, /"code":"VALIDATION_FAILED"/);
    } finally {
      await t.close();
    }
  });

  test('a user going over the rate limit is audited once per window, not once per refused request', async () => {
    const t = await makeTestApp('pglite', { RATE_LIMIT_MAX: '2' });
    try {
      const token = await t.token({ sub: 'flooder' });
      for (let i = 0; i < 6; i++) await t.request({ method: 'GET', url: '/api/live-sessions', token });
      await new Promise((r) => setTimeout(r, 50)); // the audit write is not awaited by the refusal
      const rows = await auditRows(t.db, { action: 'rate_limit.exceeded' });
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.actor_id, 'flooder');
      assert.equal(rows[0]?.outcome, 'denied');
    } finally {
      await t.close();
    }
  });

  test('demo sign-in is audited, since it can mint an admin token', async () => {
    const t = await makeTestApp('pglite', { JWT_SECRET: '', DEMO_MODE: 'true' });
    try {
      const res = await t.request({ method: 'POST', url: '/api/demo/sign-in', body: { userId: 'demo-admin' } });
      assert.equal(res.statusCode, 200);
      const rows = await auditRows(t.db, { action: 'demo.sign_in' });
      assert.deepEqual(
        rows.map((r) => [r.actor_id, r.outcome]),
        [['demo-admin', 'success']],
      );
    } finally {
      await t.close();
    }
  });

  test('text with a lone surrogate is refused rather than silently altered', async () => {
    const t = await makeTestApp();
    try {
      const c = await makeCourse(t);
      const res = await t.request({
        method: 'POST',
        url: '/api/live-sessions',
        token: c.mentor,
        body: { ...sessionBody, title: 'a\ud800b' },
      });
      assertError(res, 400, 'VALIDATION_FAILED');
    } finally {
      await t.close();
    }
  });
});
