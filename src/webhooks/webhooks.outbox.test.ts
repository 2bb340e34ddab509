import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import pg from 'pg';
import type { Db } from '../db/kysely.ts';
import { liveSession } from '../polls/polls.fixtures.ts';
import { eventually } from '../test/eventually.ts';
import { type Course, dbTargets, freshDatabase, makeCourse, makeSession, makeTestApp, type TestApp } from '../test/harness.ts';
import { enqueueWebhookEvent } from './outbox.ts';
import { quickEnv, type Receiver, registerEndpoint, startReceiver } from './webhooks.fixture.ts';

/** Records the SQL of every statement the app runs (transactions and raw `sql` included). */
function statementLog() {
  const seen: string[] = [];
  let raw: Db | undefined;
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (raw) seen.push(raw.getExecutor().compileQuery(args.node, args.queryId).sql);
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return {
    seen,
    wrap: (db: Db) => {
      raw = db;
      return db.withPlugin(plugin);
    },
    /** The statements that touched the webhook tables while `work` ran. */
    async during(work: () => Promise<unknown>): Promise<string[]> {
      const from = seen.length;
      await work();
      return seen.slice(from).filter((s) => s.includes('webhook_'));
    },
  };
}

for (const target of await dbTargets('webhook outbox')) {
  describe(`the webhook outbox on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    const log = statementLog();
    before(async () => {
      // A slow poll: the worker's own statements stay out of the counts.
      t = await makeTestApp(target, { ...quickEnv, WEBHOOKS_POLL_MS: '60000' }, { wrapDb: log.wrap });
      c = await makeCourse(t);
    });
    after(() => t.close());

    test('a class event costs one statement inside the class’s transaction, with or without endpoints', async () => {
      const s = await liveSession(t, c);
      const ask = (question: string) =>
        log.during(() => t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/qa`, token: c.student, body: { question } }));
      assert.equal((await ask('Nobody listens?')).length, 1, 'no endpoint: one cheap statement');
      const hook = await registerEndpoint(t, c.admin, 'https://lms.example/q', ['question.asked']);
      const statements = await ask('Somebody listens?');
      assert.equal(statements.length, 1, `event and delivery in one statement: ${statements.join(' | ')}`);
      const events = await t.db.selectFrom('webhook_deliveries').select('event_id').where('endpoint_id', '=', hook.id).execute();
      assert.equal(events.length, 1);
      const event = await t.db
        .selectFrom('webhook_events')
        .select('payload')
        .where('id', '=', events[0]?.event_id as string)
        .executeTakeFirstOrThrow();
      const data = (event.payload as { data: { courseId: string; sessionId: string; question: { question: string } } }).data;
      assert.deepEqual([data.courseId, data.sessionId, data.question.question], [c.courseId, s.id, 'Somebody listens?']);
      await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
    });
  });

  describe(`what an endpoint is owed while disabled, on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let rx: Receiver;
    before(async () => {
      t = await makeTestApp(target, quickEnv);
      c = await makeCourse(t);
      rx = await startReceiver();
    });
    after(async () => {
      await t.close();
      await rx.close();
    });

    test('events while the service had disabled an endpoint are kept and sent once it is re-enabled; an admin’s off is off', async () => {
      const auto = await registerEndpoint(t, c.admin, rx.url, ['session.created']);
      const manual = await registerEndpoint(t, c.admin, `${rx.url}?manual`, ['session.created']);
      // As the worker does after a day of failures.
      await t.db
        .updateTable('webhook_endpoints')
        .set({ enabled: false, disabled_at: new Date(), disabled_reason: 'Every delivery attempt failed for 24 h' })
        .where('id', '=', auto.id)
        .execute();
      await t.request({ method: 'PATCH', url: `/api/webhooks/${manual.id}`, token: c.admin, body: { enabled: false } });
      const session = await makeSession(t, c.mentor, c.courseId, { title: 'While away' });
      const owed = async (id: string) => t.db.selectFrom('webhook_deliveries').select('state').where('endpoint_id', '=', id).execute();
      assert.equal((await owed(auto.id)).length, 1, 'kept for the endpoint the service switched off');
      assert.equal((await owed(manual.id)).length, 0, 'nothing for the one an admin switched off');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(rx.received.length, 0, 'nothing sent while disabled');
      await t.request({ method: 'PATCH', url: `/api/webhooks/${auto.id}`, token: c.admin, body: { enabled: true } });
      const got = await eventually(() => rx.received.find((r) => r.body.includes(session.id)), 'the kept event delivered');
      assert.equal(JSON.parse(got.body).type, 'session.created');
    });

    test('a replaced meeting link sends session.updated, from the same transaction', async () => {
      const hook = await registerEndpoint(t, c.admin, rx.url, ['session.updated']);
      const session = await makeSession(t, c.mentor, c.courseId, { title: 'Moved to a new room' });
      const res = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${session.id}/meeting`,
        token: c.mentor,
        body: { url: 'https://meet.example.org/new-room' },
      });
      assert.equal(res.statusCode, 200, res.body);
      const got = await eventually(
        () => rx.ofType('session.updated').find((r) => r.body.includes(session.id)),
        'session.updated for the new link',
      );
      const body = JSON.parse(got.body) as { data: { session: { meeting: { provider: string; status: string } } } };
      assert.deepEqual(body.data.session.meeting.provider, 'manual');
      await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
    });
  });
}

if ((await dbTargets('webhook outbox race')).includes('postgres')) {
  test('on PostgreSQL, an endpoint deleted while a class change enqueues does not fail the change', async () => {
    const { db, drop, url } = await freshDatabase('postgres');
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      const id = crypto.randomUUID();
      await db
        .insertInto('webhook_endpoints')
        .values({ id, url: 'https://lms.example/', event_types: JSON.stringify(['poll.closed']) as never, secret: 'whsec_x' } as never)
        .execute();
      // An admin's delete, not yet committed, when the class change looks for endpoints; it commits meanwhile.
      await other.query('BEGIN');
      await other.query('DELETE FROM webhook_endpoints WHERE id = $1', [id]);
      const change = db.transaction().execute((trx) => enqueueWebhookEvent(trx, 'poll.closed', { courseId: 'c1' }));
      await new Promise((r) => setTimeout(r, 200));
      await other.query('COMMIT');
      assert.equal(await change, undefined, 'committed, owed to nobody');
      assert.equal((await db.selectFrom('webhook_deliveries').select('id').execute()).length, 0);
    } finally {
      await other.end();
      await drop();
    }
  });
}
