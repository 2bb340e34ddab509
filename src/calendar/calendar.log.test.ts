import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyLoggerOptions } from 'fastify';
import { buildApp, loggerOptions } from '../app.ts';
import { signToken } from '../auth/tokens.ts';
import { freshDatabase, TEST_SECRET, testConfig } from '../test/harness.ts';

test('request logs never contain a calendar feed secret, for a good, a revoked or an unknown one', async () => {
  const lines: string[] = [];
  const stream = { write: (line: string) => void lines.push(line) };
  const { db, drop } = await freshDatabase('pglite');
  const app = await buildApp(testConfig(), { db, logger: { ...(loggerOptions('info') as FastifyLoggerOptions), stream } });
  const token = await signToken(new TextEncoder().encode(TEST_SECRET), { sub: 'u1', name: 'U', role: 'student' });
  const secrets: string[] = [];
  try {
    const created = await app.inject({
      method: 'POST',
      url: '/api/calendar-feeds',
      headers: { authorization: `Bearer ${token}` },
      payload: {},
    });
    assert.equal(created.statusCode, 201, created.body);
    const { id, url } = created.json() as { id: string; url: string };
    const path = new URL(url).pathname;
    secrets.push(path.slice('/calendar/'.length, -'.ics'.length));
    assert.equal((await app.inject({ method: 'GET', url: path })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: `${path}?x=1` })).statusCode, 200);
    await app.inject({ method: 'DELETE', url: `/api/calendar-feeds/${id}`, headers: { authorization: `Bearer ${token}` } });
    assert.equal((await app.inject({ method: 'GET', url: path })).statusCode, 404);
    secrets.push('Z'.repeat(43));
    assert.equal((await app.inject({ method: 'GET', url: `/calendar/${secrets[1]}.ics` })).statusCode, 404);
  } finally {
    await app.close();
    await drop();
  }
  const output = lines.join('');
  assert.match(output, /\/calendar\/\[redacted\]\.ics/);
  assert.match(output, /"url":"\/api\/calendar-feeds"/, 'other URLs are logged as they are');
  for (const secret of secrets) assert.ok(!output.includes(secret), 'a feed secret reached the log');
});
