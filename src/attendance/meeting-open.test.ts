import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { listen, request, socketPool } from '../test/sockets.ts';

for (const target of await dbTargets('meeting opens')) {
  describe(`meeting opens on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    let base: string;
    const pool = socketPool(() => base);
    before(async () => {
      ({ t, c, other } = await makeTwoCourseApp(target));
      base = await listen(t);
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });

    const opensOf = (sessionId: string) =>
      t.db.selectFrom('meeting_opens').selectAll().where('session_id', '=', sessionId).orderBy('user_id').execute();

    test('meeting:open acks like POST …/join, and both record the open: the first time kept, later ones counted', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const student = await pool.open(c.student);
      const viewed = await request(student, 'session:join', { sessionId: s.id });
      assert.equal(viewed.ok, true, JSON.stringify(viewed));
      assert.deepEqual(await opensOf(s.id), [], 'viewing the class page is not a meeting open');
      const opened = await request(student, 'meeting:open', { sessionId: s.id });
      assert.equal(opened.ok, true, JSON.stringify(opened));
      const rest = await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: c.student });
      assert.equal(rest.statusCode, 200);
      assert.deepEqual(opened.ok && Object.keys(opened.data).sort(), Object.keys(rest.json()).sort());
      assert.equal(opened.ok && opened.data.meeting.url, rest.json().meeting.url);
      const [row, ...more] = await opensOf(s.id);
      assert.equal(more.length, 0);
      assert.equal(row?.user_id, 'course-1-s1');
      assert.equal(row?.opens, 2);
      assert.ok(row && row.first_opened_at <= row.last_opened_at && row.first_opened_at < new Date(Date.now() + 1000));
    });

    test('outsiders and ended classes are refused, and nothing is recorded', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const outsider = await pool.open(other.student);
      const refused = await request(outsider, 'meeting:open', { sessionId: s.id });
      assert.equal(!refused.ok && refused.error.code, 'SESSION_NOT_FOUND');
      await t.request({ method: 'DELETE', url: `/api/live-sessions/${s.id}`, token: c.mentor });
      const student = await pool.open(c.student);
      const ended = await request(student, 'meeting:open', { sessionId: s.id });
      assert.equal(!ended.ok && ended.error.code, 'SESSION_CANCELLED');
      const bad = await request(student, 'meeting:open', { sessionId: 'nope' });
      assert.equal(!bad.ok && bad.error.code, 'VALIDATION_FAILED');
      assert.deepEqual(await opensOf(s.id), []);
    });
  });
}
