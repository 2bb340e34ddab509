import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { connect, listen, recorder, request, socketPool } from '../test/sockets.ts';

for (const target of await dbTargets('session room')) {
  describe(`the session room on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    let base: string;
    const pool = socketPool(() => base);
    const open = pool.open;
    before(async () => {
      ({ t, c, other } = await makeTwoCourseApp(target));
      base = await listen(t);
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });

    test('a member joins, the mentor starts the class, and everyone in the room hears session:updated with its seq', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const mentor = await open(c.mentor);
      const student = await open(c.student);
      const heard = recorder(student);
      const joined = await request(student, 'session:join', { sessionId: s.id });
      assert.equal(joined.ok, true, JSON.stringify(joined));
      assert.equal(joined.ok && joined.data.session.id, s.id);
      assert.deepEqual(joined.ok && joined.data.events, []);
      const started = await request(mentor, 'session:status', { sessionId: s.id, status: 'live' });
      assert.equal(started.ok && started.data.status, 'live');
      const update = await heard.waitFor((e) => e.event === 'session:updated');
      assert.equal(update.payload.session.status, 'live');
      assert.equal(typeof update.payload.seq, 'number');
    });

    test('a student cannot start the class, and an outsider cannot join the room', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const student = await open(c.student);
      const refused = await request(student, 'session:status', { sessionId: s.id, status: 'live' });
      assert.deepEqual(refused.ok ? null : refused.error.code, 'FORBIDDEN');
      const outsider = await open(other.student);
      const join = await request(outsider, 'session:join', { sessionId: s.id });
      assert.deepEqual(join.ok ? null : join.error.code, 'SESSION_NOT_FOUND');
      const bad = await request(outsider, 'session:join', { sessionId: 'nope', __proto__x: 1 });
      assert.equal(bad.ok ? null : bad.error.code, 'VALIDATION_FAILED');
    });

    test('rejoining with sinceSeq replays exactly the events missed, in order', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const student = await open(c.student);
      const first = await request(student, 'session:join', { sessionId: s.id, sinceSeq: 0 });
      assert.ok(first.ok);
      const seen = first.data.events.at(-1)?.payload.seq ?? 0;
      student.disconnect();
      for (const body of [{ title: 'One' }, { title: 'Two' }, { status: 'live' }]) {
        const res = await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body });
        assert.equal(res.statusCode, 200);
      }
      const again = await open(c.student);
      const replay = await request(again, 'session:join', { sessionId: s.id, sinceSeq: seen });
      assert.ok(replay.ok);
      const updates = replay.data.events.filter((e: { event: string }) => e.event === 'session:updated');
      assert.deepEqual(
        updates.map((e: { payload: { session: { title: string; status: string } } }) => [
          e.payload.session.title,
          e.payload.session.status,
        ]),
        [
          ['One', 'scheduled'],
          ['Two', 'scheduled'],
          ['Two', 'live'],
        ],
      );
      const seqs = replay.data.events.map((e: { payload: { seq: number } }) => e.payload.seq);
      assert.deepEqual(
        seqs,
        seqs.map((_: number, i: number) => seen + 1 + i),
        'consecutive seqs, none missing',
      );
    });

    test('a message over the size limit closes that connection, and the server carries on', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const student = await open(c.student);
      const closed = new Promise<string>((resolve) => student.on('disconnect', resolve));
      student.emit('session:join', { sessionId: s.id, padding: 'x'.repeat(64 * 1024) });
      assert.equal(await closed, 'transport close');
      const again = await open(c.student);
      assert.ok((await request(again, 'session:join', { sessionId: s.id })).ok);
    });

    test('the meeting link goes with attendance: in a join ack that opens it, never in broadcasts', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const student = await open(c.student);
      const heard = recorder(student);
      const joined = await request(student, 'session:join', { sessionId: s.id });
      assert.ok(joined.ok);
      assert.match(joined.data.session.meeting.url, /^https:\/\//, 'joining a scheduled class opens attendance and hands out the link');
      await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { status: 'live' } });
      const update = await heard.waitFor((e) => e.event === 'session:updated');
      assert.equal(update.payload.session.meeting.url, null);
      await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { status: 'completed' } });
      const late = await open(c.student2);
      const afterEnd = await request(late, 'session:join', { sessionId: s.id, sinceSeq: 0 });
      assert.ok(afterEnd.ok);
      assert.equal(afterEnd.data.session.meeting.url, null, 'an ended class opens no attendance, so no link');
      const rows = await t.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id'])
        .where('session_id', '=', s.id)
        .where('action', 'like', 'attendance.%')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.action, r.actor_id]),
        [['attendance.join', `${c.courseId}-s1`]],
        'socket attendance is audited',
      );
    });

    test('a payload with a __proto__ key is refused as a validation error', async () => {
      const student = await open(c.student);
      const payload = JSON.parse('{"sessionId":"00000000-0000-4000-8000-000000000000","__proto__":{"admin":true}}');
      const res = await request(student, 'session:join', payload);
      assert.equal(res.ok ? null : res.error.code, 'VALIDATION_FAILED');
    });

    test('a socket without a valid token is refused at the handshake', async () => {
      await assert.rejects(
        connect(base, 'not-a-token'),
        (err: Error & { data?: { code: string } }) => err.data?.code === 'UNAUTHENTICATED',
      );
    });

    test('a cross-site origin is refused for every transport', async () => {
      await assert.rejects(connect(base, c.student, { extraHeaders: { origin: 'https://evil.example' } }));
    });
  });
}
