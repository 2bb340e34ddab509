import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { liveSession } from '../polls/polls.fixtures.ts';
import { eventually } from '../test/eventually.ts';
import { type Course, dbTargets, makeCourse, makeSession, makeTestApp, type TestApp } from '../test/harness.ts';
import { enqueueWebhookEvent } from './outbox.ts';
import { DELIVERY_LOG_DAYS } from './webhook-worker.ts';
import { pruneDelivered } from './delivery.repo.ts';
import { quickEnv, type Receiver, registerEndpoint, startReceiver, verify } from './webhooks.fixture.ts';

const sessionTypes = ['session.created', 'session.updated', 'session.started', 'session.ended', 'session.cancelled'];

for (const target of await dbTargets('webhooks')) {
  describe(`webhooks on ${target}`, () => {
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

    test('admins register, read, change and delete endpoints; the secret is shown only at creation and rotation', async () => {
      const created = await t.request({
        method: 'POST',
        url: '/api/webhooks',
        token: c.admin,
        body: { url: 'https://lms.example/hooks', eventTypes: ['grade.published'], description: 'LMS' },
      });
      assert.equal(created.statusCode, 201);
      const hook = created.json();
      assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
      assert.equal(hook.enabled, true);
      const one = (await t.request({ method: 'GET', url: `/api/webhooks/${hook.id}`, token: c.admin })).json();
      assert.equal(one.secret, undefined, 'never shown again');
      assert.deepEqual(one.eventTypes, ['grade.published']);
      const list = (await t.request({ method: 'GET', url: '/api/webhooks', token: c.admin })).json();
      assert.ok(list.items.some((h: { id: string; secret?: string }) => h.id === hook.id && h.secret === undefined));
      const patched = await t.request({ method: 'PATCH', url: `/api/webhooks/${hook.id}`, token: c.admin, body: { enabled: false } });
      assert.equal(patched.json().enabled, false);
      const rotated = (await t.request({ method: 'POST', url: `/api/webhooks/${hook.id}/rotate-secret`, token: c.admin })).json();
      assert.match(rotated.secret, /^whsec_/);
      assert.notEqual(rotated.secret, hook.secret);
      assert.equal((await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin })).statusCode, 204);
      const gone = await t.request({ method: 'GET', url: `/api/webhooks/${hook.id}`, token: c.admin });
      assert.equal(gone.json().error.code, 'WEBHOOK_NOT_FOUND');
      const audited = await t.db.selectFrom('audit_log').select('action').where('target_id', '=', hook.id).execute();
      const actions = audited.map((r) => r.action).sort();
      assert.deepEqual(actions, ['webhook.create', 'webhook.delete', 'webhook.rotate_secret', 'webhook.update']);
    });

    test('mentors and students may not see or register webhooks (refusals audited); bad input is a clear 400', async () => {
      for (const token of [c.mentor, c.student]) {
        const post = await t.request({ method: 'POST', url: '/api/webhooks', token, body: { url: rx.url, eventTypes: ['poll.closed'] } });
        assert.equal(post.json().error.code, 'FORBIDDEN');
        assert.equal((await t.request({ method: 'GET', url: '/api/webhooks', token })).statusCode, 403);
      }
      const denied = await t.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'webhook.create')
        .where('outcome', '=', 'denied')
        .execute();
      assert.equal(denied.length, 2);
      const bad = async (body: unknown) =>
        (await t.request({ method: 'POST', url: '/api/webhooks', token: c.admin, body })).json().error.code;
      assert.equal(await bad({ url: rx.url, eventTypes: ['chat.message'] }), 'VALIDATION_FAILED');
      assert.equal(await bad({ url: rx.url, eventTypes: [] }), 'VALIDATION_FAILED');
      assert.equal(await bad({ url: rx.url, eventTypes: ['poll.closed', 'poll.closed'] }), 'VALIDATION_FAILED');
      assert.equal(await bad({ url: 'ftp://lms.example/x', eventTypes: ['poll.closed'] }), 'WEBHOOK_URL_REFUSED');
      assert.equal(await bad({ url: 'https://user:pw@lms.example/x', eventTypes: ['poll.closed'] }), 'WEBHOOK_URL_REFUSED');
    });

    test('a class’s life reaches the receiver signed per Standard Webhooks, each event once with a stable id', async () => {
      const hook = await registerEndpoint(t, c.admin, rx.url, [...sessionTypes, 'attendance.report_ready']);
      const s = await makeSession(t, c.mentor, c.courseId, { title: 'Signed class' });
      const put = (body: unknown) => t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body });
      assert.equal((await put({ title: 'Signed class, renamed' })).statusCode, 200);
      assert.equal((await put({ status: 'live' })).statusCode, 200);
      assert.equal((await put({ status: 'completed' })).statusCode, 200);
      const mine = () => rx.received.filter((r) => JSON.stringify(JSON.parse(r.body).data).includes(s.id));
      await eventually(() => mine().length >= 5, 'five events');
      const events = mine().map((r) => verify(hook.secret, r));
      assert.deepEqual(
        events.map((e) => e.type),
        ['session.created', 'session.updated', 'session.started', 'session.ended', 'attendance.report_ready'],
      );
      for (const e of events) assert.equal(e.data.courseId, c.courseId);
      assert.equal(field<{ title: string }>(events[1], 'session').title, 'Signed class, renamed');
      assert.equal(field<{ status: string }>(events[3], 'session').status, 'completed');
      assert.deepEqual(events[4]?.data.links, {
        attendance: `/api/live-sessions/${s.id}/attendance`,
        report: `/api/live-sessions/${s.id}/report`,
      });
      const ids = mine().map((r) => r.headers['webhook-id']);
      assert.equal(new Set(ids).size, 5, 'one id per event');
      assert.throws(() => verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, mine()[0] as never), 'another secret does not verify');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(mine().length, 5, 'nothing sent twice');
      await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
    });

    test('a series tells each of its classes: session.created for each, session.cancelled for each one cancelled', async () => {
      const hook = await registerEndpoint(t, c.admin, rx.url, ['session.created', 'session.cancelled']);
      const body = {
        courseId: c.courseId,
        title: 'Weekly webhooks',
        durationMinutes: 60,
        rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3',
        timezone: 'Europe/Berlin',
        firstStart: '2030-03-04T18:00',
      };
      const res = await t.request({ method: 'POST', url: '/api/live-sessions/series', token: c.mentor, body });
      assert.equal(res.statusCode, 201, res.body);
      const { series, sessions } = res.json() as { series: { id: string }; sessions: { id: string }[] };
      const cancel = { fromSessionId: sessions[1]?.id, scope: 'following' };
      const cancelled = await t.request({
        method: 'POST',
        url: `/api/live-sessions/series/${series.id}/cancel`,
        token: c.mentor,
        body: cancel,
      });
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      const ids = new Set(sessions.map((x) => x.id));
      const told = () =>
        rx.received
          .filter((r) => [...ids].some((id) => r.body.includes(id)))
          .map((r) => verify(hook.secret, r))
          .map((e) => `${e.type} ${sessions.findIndex((x) => x.id === field<{ id: string }>(e, 'session').id)}`);
      await eventually(() => told().length >= 5, 'three created, two cancelled');
      assert.deepEqual(told().sort(), [
        'session.cancelled 1',
        'session.cancelled 2',
        'session.created 0',
        'session.created 1',
        'session.created 2',
      ]);
      await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
    });

    test('class features emit poll.closed with results and question.asked / question.answered', async () => {
      const hook = await registerEndpoint(t, c.admin, rx.url, ['poll.closed', 'question.asked', 'question.answered']);
      const s = await liveSession(t, c);
      const poll = (
        await t.request({
          method: 'POST',
          url: `/api/live-sessions/${s.id}/polls`,
          token: c.mentor,
          body: { question: 'BFS?', type: 'single', options: ['Yes', 'No'] },
        })
      ).json();
      await t.request({
        method: 'POST',
        url: `/api/live-sessions/${s.id}/polls/${poll.id}/respond`,
        token: c.student,
        body: { choice: 0 },
      });
      await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/polls/${poll.id}/close`, token: c.mentor });
      const q = (
        await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/qa`, token: c.student, body: { question: 'Why BFS?' } })
      ).json();
      const answered = await t.request({
        method: 'POST',
        url: `/api/live-sessions/${s.id}/qa/${q.id}/answer`,
        token: c.mentor,
        body: { answer: 'Shortest paths' },
      });
      assert.equal(answered.statusCode, 200, answered.body);
      const got = await eventually(() => {
        const types = ['poll.closed', 'question.asked', 'question.answered'].map((type) =>
          rx.ofType(type).find((r) => r.body.includes(s.id)),
        );
        return types.every(Boolean) && (types as NonNullable<(typeof types)[number]>[]);
      }, 'the three class events');
      const [closed, asked, answer] = got.map((r) => verify(hook.secret, r));
      assert.equal(field<{ id: string; status: string }>(closed, 'poll').status, 'closed');
      assert.ok(field<{ results?: unknown }>(closed, 'poll').results, 'the results ride with the closed poll');
      assert.equal(field<{ question: string }>(asked, 'question').question, 'Why BFS?');
      assert.equal(field<{ answer: string }>(answer, 'question').answer, 'Shortest paths');
      assert.equal(asked?.data.sessionId, s.id);
      await t.request({ method: 'DELETE', url: `/api/webhooks/${hook.id}`, token: c.admin });
    });

    test('nothing is queued for a change that rolls back, nor for an event no endpoint wants', async () => {
      await t.db
        .transaction()
        .execute(async (trx) => {
          await registerRow(trx);
          assert.ok(await enqueueWebhookEvent(trx, 'grade.published', { courseId: c.courseId, gradeId: 'g-rolled-back' }));
          throw new Error('the change fails');
        })
        .catch(() => {});
      const rows = await t.db.selectFrom('webhook_events').select('id').where(sql<boolean>`payload::text LIKE '%g-rolled-back%'`).execute();
      assert.equal(rows.length, 0);
      assert.equal(await enqueueWebhookEvent(t.db, 'grade.published', { courseId: c.courseId }), undefined);
    });

    test('the delivery log forgets deliveries made over 30 days ago, never what is still owed', async () => {
      const old = new Date(Date.now() - 31 * 86_400_000);
      const endpointId = await registerRow(t.db);
      for (const [id, state] of [
        ['msg_old_delivered', 'delivered'],
        ['msg_old_pending', 'pending'],
      ] as const) {
        await t.db.insertInto('webhook_events').values({ id, type: 'grade.published', payload: '{}', created_at: old }).execute();
        await t.db
          .insertInto('webhook_deliveries')
          .values({
            id: crypto.randomUUID(),
            endpoint_id: endpointId,
            event_id: id,
            state,
            created_at: old,
            delivered_at: state === 'delivered' ? old : null,
          })
          .execute();
      }
      const pruned = await pruneDelivered(t.db, new Date(Date.now() - DELIVERY_LOG_DAYS * 86_400_000));
      assert.deepEqual(pruned, { deliveries: 1, events: 1 });
      const left = await t.db.selectFrom('webhook_deliveries').select('event_id').where('endpoint_id', '=', endpointId).execute();
      assert.deepEqual(left, [{ event_id: 'msg_old_pending' }]);
    });
  });
}

/** One object of a verified event's data, typed as the test expects it (undefined fails the assertion using it). */
function field<T>(event: { data: Record<string, unknown> } | undefined, key: string): T {
  return (event?.data[key] ?? {}) as T;
}

/** An endpoint row written straight (in a transaction for the rollback test); returns its id. */
async function registerRow(trx: Parameters<typeof enqueueWebhookEvent>[0]): Promise<string> {
  const id = crypto.randomUUID();
  await trx
    .insertInto('webhook_endpoints')
    .values({
      id,
      url: 'https://lms.example/x',
      event_types: JSON.stringify(['grade.published']) as never,
      secret: 'whsec_x',
      created_by: 't',
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
    })
    .execute();
  return id;
}
