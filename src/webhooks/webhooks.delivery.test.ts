import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../test/eventually.ts';
import { type Course, dbTargets, makeCourse, makeSession, makeTestApp, type TestApp } from '../test/harness.ts';
import { quickEnv, type Receiver, registerEndpoint, startReceiver, verify } from './webhooks.fixture.ts';

type Delivery = { id: string; eventId: string; state: string; attempts: number; lastStatus: number | null; lastError: string | null };

for (const target of await dbTargets('webhook deliveries')) {
  describe(`webhook delivery on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let rx: Receiver;
    before(async () => {
      t = await makeTestApp(target, quickEnv);
      c = await makeCourse(t);
    });
    after(() => t.close());

    const deliveries = async (hookId: string, query = '') =>
      (await t.request({ method: 'GET', url: `/api/webhooks/${hookId}/deliveries${query}`, token: c.admin })).json() as {
        items: Delivery[];
        nextCursor: string | null;
      };

    test('a failing receiver is retried with growing waits, with the same webhook-id, until it answers 2xx', async () => {
      rx = await startReceiver();
      try {
        rx.answer((n) => (n <= 3 ? 500 : 200));
        const hook = await registerEndpoint(t, c.admin, rx.url, ['session.created']);
        await makeSession(t, c.mentor, c.courseId);
        await eventually(() => rx.received.length === 4, 'three failures and a success', 15_000);
        const ids = new Set(rx.received.map((r) => r.headers['webhook-id']));
        assert.equal(ids.size, 1, 'every attempt carries the same id');
        for (const r of rx.received) verify(hook.secret, r);
        const gaps = rx.received.slice(1).map((r, i) => r.at - (rx.received[i] as { at: number }).at);
        // Base 150 ms doubling, ±20 % jitter: ≥120, ≥240, ≥480 (plus up to a 50 ms pass).
        assert.ok((gaps[0] as number) >= 110 && (gaps[2] as number) >= 430, `gaps ${gaps.join(', ')}`);
        assert.ok((gaps[2] as number) > (gaps[0] as number), `backoff grows: ${gaps.join(', ')}`);
        const log = await eventually(async () => {
          const page = await deliveries(hook.id);
          return page.items[0]?.state === 'delivered' && page;
        }, 'the delivery recorded');
        assert.equal(log.items.length, 1);
        assert.equal(log.items[0]?.attempts, 4);
        assert.equal(log.items[0]?.lastStatus, 200);
        await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
      } finally {
        await rx.close();
      }
    });

    test('a redirect or a hang past the timeout is a failure recorded in the log, then retried', async () => {
      rx = await startReceiver();
      try {
        rx.answer((n) => (n === 1 ? 302 : n === 2 ? 'hang' : 200));
        const hook = await registerEndpoint(t, c.admin, rx.url, ['session.created']);
        await makeSession(t, c.mentor, c.courseId);
        await eventually(() => rx.received.length >= 1, 'the first attempt');
        const first = await eventually(
          async () => (await deliveries(hook.id)).items[0]?.lastStatus === 302 && (await deliveries(hook.id)).items[0],
          'the 302',
        );
        assert.match(first.lastError ?? '', /redirect .* not followed/);
        const second = await eventually(
          async () => {
            const d = (await deliveries(hook.id)).items[0];
            return d?.attempts === 2 && d;
          },
          'the timed-out attempt',
          10_000,
        );
        assert.match(second.lastError ?? '', /timed out after 1000 ms/);
        await eventually(async () => (await deliveries(hook.id)).items[0]?.state === 'delivered', 'the third, answered attempt', 10_000);
        await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
      } finally {
        await rx.close();
      }
    });

    test('an endpoint failing for a day is disabled with a reason in GET /api/webhooks; PATCH enabled resumes delivery', async () => {
      rx = await startReceiver();
      try {
        let healthy = false;
        rx.answer(() => (healthy ? 200 : 503));
        const hook = await registerEndpoint(t, c.admin, rx.url, ['session.created']);
        await makeSession(t, c.mentor, c.courseId);
        await eventually(async () => {
          const row = await t.db.selectFrom('webhook_endpoints').select('failing_since').where('id', '=', hook.id).executeTakeFirst();
          return row?.failing_since !== null;
        }, 'the run of failures to start');
        // A day passes with every attempt failing (moved back in time rather than waited for).
        await t.db
          .updateTable('webhook_endpoints')
          .set({ failing_since: new Date(Date.now() - 25 * 3600_000) })
          .where('id', '=', hook.id)
          .execute();
        const listed = await eventually(async () => {
          const list = (await t.request({ method: 'GET', url: '/api/webhooks', token: c.admin })).json();
          const mine = list.items.find((h: { id: string }) => h.id === hook.id);
          return mine?.enabled === false && mine;
        }, 'the endpoint disabled');
        assert.match(listed.disabledReason, /failed for 24 h; last: HTTP 503/);
        assert.ok(Date.parse(listed.disabledAt) > Date.now() - 60_000);
        const audited = await t.db
          .selectFrom('audit_log')
          .select('actor_id')
          .where('action', '=', 'webhook.disabled')
          .where('target_id', '=', hook.id)
          .execute();
        assert.equal(audited.length, 1);
        const attemptsWhenDisabled = rx.received.length;
        healthy = true;
        await new Promise((r) => setTimeout(r, 400));
        assert.equal(rx.received.length, attemptsWhenDisabled, 'a disabled endpoint gets nothing');
        const patched = await t.request({ method: 'PATCH', url: `/api/webhooks/${hook.id}`, token: c.admin, body: { enabled: true } });
        assert.equal(patched.json().disabledReason, null);
        await eventually(
          async () => (await deliveries(hook.id)).items[0]?.state === 'delivered',
          'the owed event delivered after re-enabling',
        );
        await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
      } finally {
        await rx.close();
      }
    });

    test('a delivery is redelivered on request with the same webhook-id; the log pages newest first', async () => {
      rx = await startReceiver();
      try {
        const hook = await registerEndpoint(t, c.admin, rx.url, ['session.created']);
        await makeSession(t, c.mentor, c.courseId, { title: 'One' });
        await makeSession(t, c.mentor, c.courseId, { title: 'Two' });
        await eventually(() => rx.received.length === 2, 'both delivered');
        await eventually(async () => (await deliveries(hook.id)).items.every((d) => d.state === 'delivered'), 'both recorded');
        const page1 = await deliveries(hook.id, '?limit=1');
        assert.equal(page1.items.length, 1);
        assert.ok(page1.nextCursor);
        const page2 = await deliveries(hook.id, `?limit=1&cursor=${page1.nextCursor}`);
        assert.equal(page2.items.length, 1);
        assert.equal(page2.nextCursor, null);
        const oldest = page2.items[0] as Delivery;
        const again = await t.request({
          method: 'POST',
          url: `/api/webhooks/${hook.id}/deliveries/${oldest.id}/redeliver`,
          token: c.admin,
        });
        assert.equal(again.statusCode, 202);
        assert.equal(again.json().eventId, oldest.eventId);
        await eventually(() => rx.received.length === 3, 'the redelivery');
        assert.equal(rx.received[2]?.headers['webhook-id'], oldest.eventId);
        assert.equal(rx.received[2]?.body, rx.received[0]?.body, 'the same event body');
        assert.equal((await deliveries(hook.id)).items.length, 3, 'the first delivery stays in the log');
        const wrong = await t.request({
          method: 'POST',
          url: `/api/webhooks/${hook.id}/deliveries/${crypto.randomUUID()}/redeliver`,
          token: c.admin,
        });
        assert.equal(wrong.json().error.code, 'WEBHOOK_DELIVERY_NOT_FOUND');
        const badCursor = await t.request({ method: 'GET', url: `/api/webhooks/${hook.id}/deliveries?cursor=nope`, token: c.admin });
        assert.equal(badCursor.json().error.code, 'INVALID_CURSOR');
        await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
      } finally {
        await rx.close();
      }
    });

    test('closing the app cuts off an attempt a receiver leaves hanging, and leaves it due for the next start', async () => {
      const slow = await makeTestApp(target, { ...quickEnv, WEBHOOKS_TIMEOUT_MS: '30000' });
      rx = await startReceiver();
      try {
        rx.answer(() => 'hang');
        const admin = await slow.token({ sub: 'lms', role: 'admin' });
        const hook = await registerEndpoint(slow, admin, rx.url, ['session.created']);
        const cc = await makeCourse(slow, 'course-slow');
        await makeSession(slow, cc.mentor, cc.courseId);
        await eventually(() => rx.received.length === 1, 'the hanging attempt');
        const started = Date.now();
        await slow.app.close();
        assert.ok(Date.now() - started < 5000, `closed in ${Date.now() - started} ms, not after the 30 s timeout`);
        const row = await slow.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', hook.id).executeTakeFirstOrThrow();
        assert.equal(row.state, 'pending');
        assert.match(row.last_error ?? '', /interrupted/);
        assert.equal(row.attempts, 0, 'a shutdown cut-off is not counted as an attempt');
        assert.equal(row.claimed_until, null, 'no lease for the next process to wait out');
        assert.ok(new Date(row.next_attempt_at).getTime() <= Date.now());
        const endpoint = await slow.db
          .selectFrom('webhook_endpoints')
          .select('failing_since')
          .where('id', '=', hook.id)
          .executeTakeFirstOrThrow();
        assert.equal(endpoint.failing_since, null, 'not held against the receiver');
      } finally {
        await slow.close();
        await rx.close();
      }
    });
  });
}
