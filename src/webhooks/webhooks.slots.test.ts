import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../test/eventually.ts';
import { type Course, dbTargets, makeCourse, makeTestApp, type TestApp } from '../test/harness.ts';
import { enqueueWebhookEvent } from './outbox.ts';
import { PER_ENDPOINT } from './webhook-worker.ts';
import { quickEnv, type Receiver, registerEndpoint, startReceiver } from './webhooks.fixture.ts';

for (const target of await dbTargets('webhook delivery slots')) {
  describe(`delivery slots on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let dead: Receiver;
    let live: Receiver;
    before(async () => {
      t = await makeTestApp(target, { ...quickEnv, WEBHOOKS_TIMEOUT_MS: '3000' });
      c = await makeCourse(t);
      dead = await startReceiver();
      live = await startReceiver();
    });
    after(async () => {
      await t.close();
      await dead.close();
      await live.close();
    });

    test('a receiver that hangs holds at most two attempts, and another endpoint is served meanwhile', async () => {
      dead.answer(() => 'hang');
      await registerEndpoint(t, c.admin, dead.url, ['grade.published']);
      await registerEndpoint(t, c.admin, live.url, ['question.answered']);
      // A backlog for the dead receiver, older (due first) than the live one's event.
      await t.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 15; i++) await enqueueWebhookEvent(trx, 'grade.published', { courseId: c.courseId, i });
      });
      await eventually(() => dead.received.length >= PER_ENDPOINT, 'the dead receiver’s attempts');
      const sent = Date.now();
      await t.db.transaction().execute((trx) => enqueueWebhookEvent(trx, 'question.answered', { courseId: c.courseId }));
      await eventually(() => live.received.length === 1, 'the live receiver served');
      assert.ok(Date.now() - sent < 1500, `served after ${Date.now() - sent} ms, not after the dead one's 3 s timeout`);
      assert.equal(dead.received.length, PER_ENDPOINT, 'no more attempts to the dead receiver while two hang');
    });
  });
}
