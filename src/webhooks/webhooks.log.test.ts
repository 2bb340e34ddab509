import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { eventually } from '../test/eventually.ts';
import { type Course, dbTargets, makeCourse, makeTestApp, type TestApp } from '../test/harness.ts';
import { enqueueWebhookEvent } from './outbox.ts';
import { pruneDelivered } from './delivery.repo.ts';
import http from 'node:http';
import { quickEnv, type Receiver, registerEndpoint, startReceiver } from './webhooks.fixture.ts';

const ZERO = '00000000-0000-4000-8000-000000000000';

for (const target of await dbTargets('webhook delivery log')) {
  describe(`the webhook delivery log on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let rx: Receiver;
    before(async () => {
      t = await makeTestApp(target, quickEnv);
      c = await makeCourse(t);
    });
    after(() => t.close());

    const row = (hookId: string) => t.db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', hookId).executeTakeFirst();

    test('paging keeps every delivery of one transaction (they share its instant)', async () => {
      const hook = await registerEndpoint(t, c.admin, 'https://lms.example/hooks', ['grade.published']);
      // Six events in one transaction: on PostgreSQL their deliveries share now() to the microsecond.
      await t.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 6; i++) await enqueueWebhookEvent(trx, 'grade.published', { courseId: c.courseId, i });
      });
      await t.request({ method: 'PATCH', url: `/api/webhooks/${hook.id}`, token: c.admin, body: { enabled: false } });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await t.request({
          method: 'GET',
          url: `/api/webhooks/${hook.id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          token: c.admin,
        });
        const page = res.json() as { items: { id: string }[]; nextCursor: string | null };
        seen.push(...page.items.map((d) => d.id));
        cursor = page.nextCursor;
      } while (cursor && seen.length < 20);
      assert.equal(new Set(seen).size, 6, `saw ${seen.length} rows`);
      await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
    });

    test('a receiver answering a NUL byte gets its failure recorded and retried, not a delivery stuck in its claim', async () => {
      const nul = await nulReceiver();
      try {
        const hook = await registerEndpoint(t, c.admin, nul.url, ['question.answered']);
        await t.db.transaction().execute((trx) => enqueueWebhookEvent(trx, 'question.answered', { courseId: c.courseId }));
        const recorded = await eventually(async () => {
          const r = await row(hook.id);
          return r && r.attempts >= 2 && r;
        }, 'two attempts recorded');
        assert.equal(recorded.last_status, 500);
        assert.equal(recorded.last_error, 'HTTP 500: bad\ufffdbody');
        await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
      } finally {
        await nul.close();
      }
    });

    test('when an outcome cannot be recorded, the delivery is released with a backoff, not held for its lease', async () => {
      rx = await startReceiver();
      // The database refuses to store this answer (as PostgreSQL refused a NUL byte): recording the outcome fails.
      await sql`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.last_error LIKE '%nope%' THEN RAISE EXCEPTION 'cannot store'; END IF; RETURN NEW; END $$`.execute(t.db);
      await sql`CREATE TRIGGER refuse_boom BEFORE UPDATE ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION refuse_boom()`.execute(t.db);
      try {
        rx.answer((n) => (n === 1 ? 500 : 200));
        const hook = await registerEndpoint(t, c.admin, rx.url, ['question.answered']);
        await t.db.transaction().execute((trx) => enqueueWebhookEvent(trx, 'question.answered', { courseId: c.courseId }));
        const done = await eventually(async () => {
          const r = await row(hook.id);
          return r?.state === 'delivered' && r;
        }, 'delivered on the retry');
        const gap = (rx.received[1]?.at ?? 0) - (rx.received[0]?.at ?? 0);
        // The lease is 2 × 1000 + 1000 ms; a retry after the 150 ms backoff comes well before it.
        assert.ok(gap < 2000, `retried after ${gap} ms`);
        assert.equal(done.attempts, 2);
        await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
      } finally {
        await sql`DROP TRIGGER refuse_boom ON webhook_deliveries`.execute(t.db);
        await rx.close();
      }
    });

    test('the prune works in batches, and an index serves its foreign-key checks', async () => {
      const old = new Date(Date.now() - 40 * 86_400_000);
      const hook = await registerEndpoint(t, c.admin, 'https://lms.example/old', ['grade.published']);
      await t.request({ method: 'PATCH', url: `/api/webhooks/${hook.id}`, token: c.admin, body: { enabled: false } });
      for (let i = 0; i < 6; i++) {
        const id = `msg_prune_${i}`;
        await t.db.insertInto('webhook_events').values({ id, type: 'grade.published', payload: '{}', created_at: old }).execute();
        const state = i === 0 ? 'pending' : 'delivered';
        await t.db
          .insertInto('webhook_deliveries')
          .values({
            id: crypto.randomUUID(),
            endpoint_id: hook.id,
            event_id: id,
            state,
            created_at: old,
            delivered_at: i === 0 ? null : old,
          })
          .execute();
      }
      assert.deepEqual(await pruneDelivered(t.db, new Date(Date.now() - 30 * 86_400_000), 2), { deliveries: 5, events: 5 });
      const left = await t.db.selectFrom('webhook_events').select('id').where('id', 'like', 'msg_prune_%').execute();
      assert.deepEqual(left, [{ id: 'msg_prune_0' }], 'what is owed, and its event, stay');
      const { rows } = await sql<{ indexdef: string }>`SELECT indexdef FROM pg_indexes WHERE tablename = 'webhook_deliveries'`.execute(
        t.db,
      );
      assert.ok(
        rows.some((r) => /\(event_id\)/.test(r.indexdef)),
        'deleting an event must not scan every delivery',
      );
      await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
    });

    test('redelivery: an unknown webhook is WEBHOOK_NOT_FOUND, a disabled one 409 WEBHOOK_DISABLED', async () => {
      const unknown = await t.request({ method: 'POST', url: `/api/webhooks/${ZERO}/deliveries/${ZERO}/redeliver`, token: c.admin });
      assert.equal(unknown.statusCode, 404);
      assert.equal(unknown.json().error.code, 'WEBHOOK_NOT_FOUND');
      const hook = await registerEndpoint(t, c.admin, 'https://lms.example/off', ['grade.published']);
      const eventId = await t.db.transaction().execute((trx) => enqueueWebhookEvent(trx, 'grade.published', { courseId: c.courseId }));
      await t.request({ method: 'PATCH', url: `/api/webhooks/${hook.id}`, token: c.admin, body: { enabled: false } });
      const delivery = await t.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('event_id', '=', eventId as string)
        .executeTakeFirstOrThrow();
      const off = await t.request({ method: 'POST', url: `/api/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`, token: c.admin });
      assert.equal(off.statusCode, 409);
      assert.equal(off.json().error.code, 'WEBHOOK_DISABLED');
      const count = await t.db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', hook.id).execute();
      assert.equal(count.length, 1, 'no redelivery queued');
      await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
    });
  });
}

/** A receiver that answers 500 with a NUL byte in its body. */
async function nulReceiver() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(500).end('bad\u0000body'));
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
