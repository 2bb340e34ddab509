import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import Fastify from 'fastify';
import type { OutageLog } from '../db/outage.ts';
import { refuseWhileClosing } from './errors.ts';

test('a request that arrives while the node closes gets the API 503 with Retry-After, not Fastify own shape', async () => {
  const app = Fastify({ logger: false, return503OnClosing: false });
  let probeStopped = false;
  const outage = {
    stop() {
      probeStopped = true;
    },
  };
  refuseWhileClosing(app, outage as unknown as OutageLog);
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  // Holds the close open, as in-flight work does during a graceful shutdown.
  app.addHook('preClose', () => held);
  app.get('/api/ping', async () => ({ ok: true }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/ping`;
  assert.equal((await fetch(url)).status, 200);

  const closed = app.close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const res = await fetch(url);
  release();
  await closed;
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '5');
  assert.deepEqual(await res.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: 'The service is restarting; retry shortly' } });
  assert.ok(probeStopped, 'the outage probe stops before the database closes');
});
