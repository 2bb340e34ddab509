import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { sendWebhook } from './sender.ts';
import { retryDelayMs } from './webhook-worker.ts';

/** A receiver that answers `status` at once and then sends its body one byte every 100 ms, never ending. */
function trickling(status: number) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status);
      const drip = setInterval(() => res.write('x'), 100);
      res.on('close', () => clearInterval(drip));
    });
  });
  return server;
}

describe('an attempt is decided on the status line', () => {
  const servers: http.Server[] = [];
  const start = async (server: http.Server) => {
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  };
  const send = (url: string) =>
    sendWebhook({
      url,
      secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      eventId: 'msg_1',
      body: '{}',
      timeoutMs: 600,
      allowPrivateNetworks: true,
    });
  after(() => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
  });

  test('a 2xx whose body trickles in is delivered at once, not a timeout to send again', async () => {
    const url = await start(trickling(200));
    const started = Date.now();
    const out = await send(url);
    assert.deepEqual({ ok: out.ok, status: out.status, error: out.error }, { ok: true, status: 200, error: null });
    assert.ok(Date.now() - started < 500, `answered in ${Date.now() - started} ms`);
  });

  test('a 5xx whose body trickles in is that failure, with what was read, not "timed out"', async () => {
    const url = await start(trickling(503));
    const out = await send(url);
    assert.equal(out.ok, false);
    assert.equal(out.status, 503);
    assert.match(out.error ?? '', /^HTTP 503: x+$/);
  });
});

describe('retry waits', () => {
  test('never exceed the configured maximum, jitter included', () => {
    for (let i = 0; i < 500; i++) assert.ok(retryDelayMs(30, 10_000, 3_600_000) <= 3_600_000);
    const early = Array.from({ length: 200 }, () => retryDelayMs(1, 10_000, 3_600_000));
    assert.ok(Math.min(...early) >= 8000 && Math.max(...early) <= 12_000, 'the first wait keeps its ±20 % jitter');
  });
});
