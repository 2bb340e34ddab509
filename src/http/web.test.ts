import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { registerWebApp } from './web.ts';

function fakeBuild(): string {
  const dist = `${mkdtempSync(join(tmpdir(), 'spl-web-'))}/`;
  mkdirSync(`${dist}assets`);
  writeFileSync(`${dist}index.html`, '<!doctype html><div id="root"></div>');
  writeFileSync(`${dist}assets/index-abc123.js`, 'console.log(1)');
  return dist;
}

describe('serving the web app', () => {
  test('the page, /launch and the presenter view come with a strict CSP that lets only the LMS origins frame it', async () => {
    const app = Fastify();
    await registerWebApp(app, ['https://lms.example.edu'], fakeBuild());
    for (const url of ['/', '/launch', '/sessions/aa148754-8406-4ed7-a0c7-a9d7a1f0ca45/present']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /id="root"/);
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'self' https:\/\/lms\.example\.edu/);
    }
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.match(String(asset.headers['cache-control']), /immutable/);
    await app.close();
  });

  test('without a build the API still runs and / says how to build the app', async () => {
    const app = Fastify();
    await registerWebApp(app, [], `${mkdtempSync(join(tmpdir(), 'spl-noweb-'))}/`);
    const res = await app.inject({ url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /npm run build:web/);
    await app.close();
  });
});
