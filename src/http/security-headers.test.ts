import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { makeTestApp, type TestApp } from '../test/harness.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { registerWebApp } from './web.ts';

const STANDARD = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

function assertStandard(headers: Record<string, unknown>, what: string) {
  for (const [name, value] of Object.entries(STANDARD)) assert.equal(headers[name], value, `${name} on ${what}`);
}

describe('standard security headers', () => {
  let t: TestApp;
  before(async () => (t = await makeTestApp('pglite')));
  after(() => t.close());

  test('a JSON response, error responses, /healthz, /docs and / carry them; no HSTS unless configured', async () => {
    const student = await t.token({ sub: 'u1' });
    const cases = [
      ['a JSON API response', { method: 'GET', url: '/api/live-sessions', token: student }, 200],
      ['a 401', { method: 'GET', url: '/api/live-sessions' }, 401],
      ['a 404', { method: 'GET', url: '/api/nothing-here', token: student }, 404],
      ['a 400 on a malformed body', { method: 'POST', url: '/api/live-sessions', token: student, body: '{"oops' }, 400],
      ['/healthz', { method: 'GET', url: '/healthz' }, 200],
      ['/docs/json', { method: 'GET', url: '/docs/json' }, 200],
      ['/', { method: 'GET', url: '/' }, 200],
    ] as const;
    for (const [what, req, status] of cases) {
      const res = await t.app.inject({
        method: req.method,
        url: req.url,
        headers: {
          ...('token' in req ? { authorization: `Bearer ${req.token}` } : {}),
          ...('body' in req ? { 'content-type': 'application/json' } : {}),
        },
        ...('body' in req ? { payload: req.body } : {}),
      });
      assert.equal(res.statusCode, status, `${what}: ${res.body.slice(0, 200)}`);
      assertStandard(res.headers, what);
      assert.equal(res.headers['strict-transport-security'], undefined, `no HSTS on ${what} by default`);
    }
    const docs = await t.app.inject({ url: '/docs' });
    const page = docs.statusCode === 302 ? await t.app.inject({ url: String(docs.headers.location) }) : docs;
    assertStandard(docs.headers, '/docs');
    assertStandard(page.headers, 'the docs page');
  });

  test('HSTS_MAX_AGE adds Strict-Transport-Security to every response', async () => {
    const tls = await makeTestApp('pglite', { HSTS_MAX_AGE: '31536000' });
    try {
      for (const url of ['/healthz', '/api/nothing-here']) {
        const res = await tls.app.inject({ url });
        assert.equal(res.headers['strict-transport-security'], 'max-age=31536000', url);
        assertStandard(res.headers, url);
      }
    } finally {
      await tls.close();
    }
  });

  test('the built web app: its page, /launch and its static files carry them, the page its CSP as well', async () => {
    const dist = `${mkdtempSync(join(tmpdir(), 'spl-web-'))}/`;
    mkdirSync(`${dist}assets`);
    writeFileSync(`${dist}index.html`, '<!doctype html><div id="root"></div>');
    writeFileSync(`${dist}assets/index-abc123.js`, 'console.log(1)');
    const app = Fastify();
    registerSecurityHeaders(app, { hstsMaxAge: 0 });
    await registerWebApp(app, [], dist);
    try {
      for (const url of ['/', '/launch', '/assets/index-abc123.js']) {
        const res = await app.inject({ url });
        assert.equal(res.statusCode, 200, url);
        assertStandard(res.headers, url);
      }
      assert.match(String((await app.inject({ url: '/' })).headers['content-security-policy']), /frame-ancestors 'self'/);
    } finally {
      await app.close();
    }
  });
});
