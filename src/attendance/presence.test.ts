import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { listen, recorder, request, socketPool } from '../test/sockets.ts';

const GRACE_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const target of await dbTargets('presence')) {
  describe(`presence and attendance from the session room on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let base: string;
    const pool = socketPool(() => base);
    const open = pool.open;
    const openSegments = (sessionId: string, userId: string) =>
      t.db
        .selectFrom('session_attendance')
        .selectAll()
        .where('session_id', '=', sessionId)
        .where('user_id', '=', userId)
        .where('left_at', 'is', null)
        .execute();
    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target, { PRESENCE_GRACE_MS: String(GRACE_MS) }));
      base = await listen(t);
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });

    test('joining opens one attendance segment however many tabs, and the mentor sees the count and who joined', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const mentor = await open(c.mentor);
      const heard = recorder(mentor);
      assert.ok((await request(mentor, 'session:join', { sessionId: s.id })).ok);
      const tab1 = await open(c.student);
      const tab2 = await open(c.student);
      const ack1 = await request(tab1, 'session:join', { sessionId: s.id });
      assert.ok((await request(tab2, 'session:join', { sessionId: s.id })).ok);
      assert.ok(ack1.ok);
      assert.equal(ack1.data.presence.users, undefined, 'students get the count, not the list');
      assert.equal((await openSegments(s.id, `${c.courseId}-s1`)).length, 1);
      const update = await heard.waitFor(
        (e) => e.event === 'presence:update' && e.payload.joined.some((p: { id: string }) => p.id === `${c.courseId}-s1`),
      );
      assert.equal(update.payload.count, 2, 'mentor and one student, however many tabs');
      const snapshot = await request(mentor, 'session:join', { sessionId: s.id });
      assert.ok(snapshot.ok);
      assert.deepEqual(snapshot.data.presence.users.map((u: { id: string }) => u.id).sort(), [`${c.courseId}-mentor`, `${c.courseId}-s1`]);
    });

    test('a dropped connection keeps attendance through the grace period; a reconnect continues the same segment', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const first = await open(c.student2);
      assert.ok((await request(first, 'session:join', { sessionId: s.id })).ok);
      const [segment] = await openSegments(s.id, `${c.courseId}-s2`);
      first.disconnect();
      await sleep(GRACE_MS / 3);
      const again = await open(c.student2);
      assert.ok((await request(again, 'session:join', { sessionId: s.id })).ok);
      await sleep(GRACE_MS * 2);
      const still = await openSegments(s.id, `${c.courseId}-s2`);
      assert.equal(still.length, 1);
      assert.equal(still[0]?.id, segment?.id, 'the same segment: attendance was not split');
      again.disconnect();
      await sleep(GRACE_MS * 2);
      assert.equal((await openSegments(s.id, `${c.courseId}-s2`)).length, 0, 'closed once the grace period ran out');
    });

    test('session:leave closes attendance at once, and a presence:update tells the room who left', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const mentor = await open(c.mentor);
      const heard = recorder(mentor);
      assert.ok((await request(mentor, 'session:join', { sessionId: s.id })).ok);
      const student = await open(c.student);
      assert.ok((await request(student, 'session:join', { sessionId: s.id })).ok);
      // A join and a leave inside one presence window cancel out; wait for the join to be announced first.
      await heard.waitFor(
        (e) => e.event === 'presence:update' && e.payload.joined.some((p: { id: string }) => p.id === `${c.courseId}-s1`),
      );
      assert.ok((await request(student, 'session:leave', { sessionId: s.id })).ok);
      assert.equal((await openSegments(s.id, `${c.courseId}-s1`)).length, 0);
      await heard.waitFor((e) => e.event === 'presence:update' && e.payload.left.some((p: { id: string }) => p.id === `${c.courseId}-s1`));
    });

    test('a student removed from the roster is taken out of the room and hears session:removed', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const roster = { members: [{ userId: 'leaver', name: 'Leaver', role: 'student' }] };
      await t.request({ method: 'PUT', url: `/api/courses/${c.courseId}/members`, token: c.admin, body: roster });
      const leaver = await open(await t.token({ sub: 'leaver', role: 'student' }));
      const heard = recorder(leaver);
      assert.ok((await request(leaver, 'session:join', { sessionId: s.id })).ok);
      await t.request({ method: 'DELETE', url: `/api/courses/${c.courseId}/members/leaver`, token: c.admin });
      const removed = await heard.waitFor((e) => e.event === 'session:removed');
      assert.equal(removed.payload.sessionId, s.id);
      await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { title: 'After removal' } });
      await sleep(150);
      assert.ok(!heard.received.some((e) => e.event === 'session:updated'), 'no more events of that class');
    });

    test('a socket is disconnected when its token expires', async () => {
      const short = await t.token({ sub: `${c.courseId}-s1`, role: 'student' }, { ttlSeconds: 1 });
      const socket = await open(short);
      const heard = recorder(socket);
      const gone = new Promise((resolve) => socket.on('disconnect', resolve));
      await heard.waitFor((e) => e.event === 'auth:expired', 3000);
      await gone;
    });
  });
}
