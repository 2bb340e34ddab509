import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type BreakoutFixture, makeBreakoutFixture, type Round } from '../breakouts/breakouts.fixture.ts';
import { eventually } from '../test/eventually.ts';
import { dbTargets } from '../test/harness.ts';
import { webhookEventTypes } from './outbox.ts';
import { quickEnv, type Receiver, registerEndpoint, startReceiver, verify } from './webhooks.fixture.ts';

for (const target of await dbTargets('webhooks of breakout rounds')) {
  describe(`webhooks of breakout rounds on ${target}`, () => {
    let f: BreakoutFixture;
    let rx: Receiver;
    before(async () => {
      f = await makeBreakoutFixture(target, quickEnv);
      rx = await startReceiver();
    });
    after(async () => {
      await f.close();
      await rx.close();
    });

    test('a round sends breakout.opened and breakout.closed; its rooms send no session events of their own', async () => {
      const hook = await registerEndpoint(f.t, f.c.admin, rx.url, [...webhookEventTypes]);
      const s = await f.live();
      const { round } = await f.opened(s.id, {
        rooms: 2,
        assignment: 'manual',
        assignments: { 'course-1-s1': 0, 'course-1-s2': 1 },
        durationMinutes: 10,
      });
      const closed = await f.act(s.id, round.id, 'close', { now: true });
      assert.equal(closed.statusCode, 200, closed.body);
      const rooms = round.rooms.map((r: Round['rooms'][0]) => r.sessionId);
      // Every room ended (the lifecycle's hooks ran for each) before we look at what was sent.
      await eventually(async () => {
        const rows = await f.t.db.selectFrom('live_sessions').select('status').where('id', 'in', rooms).execute();
        return rows.every((r) => r.status === 'completed');
      }, 'the rooms to end');
      const events = () => rx.received.map((r) => verify(hook.secret, r));
      const ofRound = await eventually(() => {
        const mine = events().filter((e) => e.type.startsWith('breakout.') && e.data.sessionId === s.id);
        return mine.length === 2 && mine;
      }, 'the round opened and closed');
      assert.deepEqual(
        ofRound.map((e) => e.type),
        ['breakout.opened', 'breakout.closed'],
      );
      assert.equal((ofRound[1]?.data.round as { status: string } | undefined)?.status, 'closed');
      assert.equal(ofRound[0]?.data.courseId, 'course-1');
      await new Promise((r) => setTimeout(r, 300));
      const roomSessionEvents = events().filter(
        (e) => (e.type.startsWith('session.') || e.type === 'attendance.report_ready') && rooms.includes(e.data.sessionId as string),
      );
      assert.deepEqual(roomSessionEvents, []);
      const classEvents = events()
        .filter((e) => e.type.startsWith('session.') && e.data.sessionId === s.id)
        .map((e) => e.type);
      assert.deepEqual(classEvents, ['session.created', 'session.started'], 'the class itself is reported');
    });
  });
}
