import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../test/eventually.ts';
import { type Course, dbTargets, makeCourse, makeSession, makeTestApp, type TestApp } from '../test/harness.ts';
import { isForbiddenAddress, refusedUrl } from './address-guard.ts';
import { MAX_RESPONSE_BYTES, sendWebhook } from './sender.ts';
import { type Receiver, startReceiver } from './webhooks.fixture.ts';

describe('the address guard', () => {
  test('refuses private, loopback, link-local, CGNAT, unspecified, multicast and IPv4-mapped addresses', () => {
    const refused = [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '127.8.8.8',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:8.8.8.8',
      '64:ff9b::a00:1',
      // IPv4-compatible, local-use NAT64, 6to4 and discard-only: each can carry a private IPv4 address.
      '::127.0.0.1',
      '::7f00:1',
      '64:ff9b:1::7f00:1',
      '2002:7f00:1::1',
      '2002:a9fe:a9fe::1',
      '100::1',
    ];
    for (const address of refused) assert.equal(isForbiddenAddress(address), true, address);
    for (const address of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '93.184.215.14']) {
      assert.equal(isForbiddenAddress(address), false, address);
    }
  });

  test('refuses literal private hosts and localhost at registration, unless the operator allows private networks', () => {
    for (const url of [
      'http://127.0.0.1:8080/x',
      'http://[::1]/x',
      'http://169.254.169.254/latest',
      'http://10.0.0.1/',
      'http://[::ffff:7f00:1]/',
      'http://localhost:3000/',
      'http://a.localhost/',
      'http://localhost./',
      'http://a.localhost./',
      'http://[::127.0.0.1]/',
      'http://[2002:a9fe:a9fe::1]/',
    ]) {
      assert.ok(refusedUrl(url, false), url);
      assert.equal(refusedUrl(url, true), undefined, url);
    }
    assert.equal(refusedUrl('https://lms.example/hooks', false), undefined);
  });
});

describe('one attempt', () => {
  test('reads at most a small part of an endless answer and does not wait for the rest', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(1024, 'x');
      const pump = setInterval(() => res.write(chunk), 1);
      res.on('close', () => clearInterval(pump));
    });
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const started = Date.now();
      const out = await sendWebhook({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
        eventId: 'msg_endless',
        body: '{}',
        timeoutMs: 5000,
        allowPrivateNetworks: true,
      });
      assert.equal(out.ok, true);
      assert.ok(Date.now() - started < 2000, 'done long before the timeout');
      assert.ok(MAX_RESPONSE_BYTES <= 4096);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

for (const target of await dbTargets('webhook SSRF refusals')) {
  describe(`without WEBHOOKS_ALLOW_PRIVATE_NETWORKS on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let rx: Receiver;
    before(async () => {
      t = await makeTestApp(target, { WEBHOOKS_POLL_MS: '50', WEBHOOKS_RETRY_BASE_MS: '5000' });
      c = await makeCourse(t);
      rx = await startReceiver();
    });
    after(async () => {
      await t.close();
      await rx.close();
    });

    test('registering a loopback, private or link-local URL is refused with WEBHOOK_URL_REFUSED and audited', async () => {
      for (const url of [
        rx.url,
        `http://[::1]:${rx.port}/`,
        'http://169.254.169.254/latest/meta-data',
        'http://192.168.0.10/',
        `http://localhost:${rx.port}/`,
      ]) {
        const res = await t.request({
          method: 'POST',
          url: '/api/webhooks',
          token: c.admin,
          body: { url, eventTypes: ['session.created'] },
        });
        assert.equal(res.statusCode, 422, url);
        assert.equal(res.json().error.code, 'WEBHOOK_URL_REFUSED');
      }
      const denied = await t.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'webhook.create')
        .where('outcome', '=', 'denied')
        .execute();
      assert.equal(denied.length, 5);
      const ok = await t.request({
        method: 'POST',
        url: '/api/webhooks',
        token: c.admin,
        body: { url: 'https://lms.example/hooks', eventTypes: ['poll.closed'] },
      });
      assert.equal(ok.statusCode, 201);
      const moved = await t.request({
        method: 'PATCH',
        url: `/api/webhooks/${ok.json().id}`,
        token: c.admin,
        body: { url: 'http://10.0.0.7/hooks' },
      });
      assert.equal(moved.json().error.code, 'WEBHOOK_URL_REFUSED', 'nor may a URL be changed to one');
      await t.request({ method: 'DELETE', url: `/api/webhooks/${ok.json().id}`, token: c.admin });
    });

    test('a host name that resolves to a loopback address is refused at delivery (DNS is checked when connecting)', async () => {
      // As if the name had resolved to a public address at registration and to loopback now (DNS rebinding).
      const id = crypto.randomUUID();
      await t.db
        .insertInto('webhook_endpoints')
        .values({
          id,
          url: `http://localhost:${rx.port}/hooks`,
          event_types: JSON.stringify(['session.created']) as never,
          secret: `whsec_${Buffer.alloc(32, 3).toString('base64')}`,
          created_by: 'lms',
          disabled_at: null,
          disabled_reason: null,
          failing_since: null,
        })
        .execute();
      await makeSession(t, c.mentor, c.courseId);
      const log = await eventually(async () => {
        const page = (await t.request({ method: 'GET', url: `/api/webhooks/${id}/deliveries`, token: c.admin })).json();
        return page.items[0]?.attempts >= 1 && page.items[0];
      }, 'the refused attempt');
      assert.match(log.lastError, /forbidden address \((127\.0\.0\.1|::1)\)/);
      assert.equal(log.state, 'pending');
      assert.equal(rx.received.length, 0, 'the receiver never heard from us');
    });
  });
}
