import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';

/** Concurrency on the real database: PostgreSQL runs these requests truly in parallel; PGlite serializes them. */
for (const target of await dbTargets('attendance races')) {
  describe(`attendance under concurrency on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    before(async () => ({ t, c } = await makeTwoCourseApp(target)));
    after(() => t.close());

    test('a join racing the end of class never leaves an open segment behind', async () => {
      for (let round = 0; round < 15; round++) {
        const s = await makeSession(t, c.mentor, c.courseId);
        const put = (status: string) => t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { status } });
        assert.equal((await put('live')).statusCode, 200);
        const [join, end] = await Promise.all([
          t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: c.student }),
          put('completed'),
        ]);
        assert.equal(end.statusCode, 200);
        assert.ok([200, 409].includes(join.statusCode), `join answered ${join.statusCode}`);
        const open = await t.db
          .selectFrom('session_attendance')
          .select('id')
          .where('session_id', '=', s.id)
          .where('left_at', 'is', null)
          .execute();
        assert.equal(open.length, 0, `round ${round}: an open segment survived the end of class`);
      }
    });

    test('a join racing the removal from the roster never leaves an open segment behind', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      for (let round = 0; round < 10; round++) {
        const userId = `race-${round}`;
        const roster = { members: [{ userId, name: `Racer ${round}`, role: 'student' }] };
        await t.request({ method: 'PUT', url: `/api/courses/${c.courseId}/members`, token: c.admin, body: roster });
        const student = await t.token({ sub: userId, role: 'student' });
        await Promise.all([
          t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: student }),
          t.request({ method: 'DELETE', url: `/api/courses/${c.courseId}/members/${userId}`, token: c.admin }),
        ]);
        const open = await t.db
          .selectFrom('session_attendance')
          .select('id')
          .where('user_id', '=', userId)
          .where('left_at', 'is', null)
          .execute();
        assert.equal(open.length, 0, `round ${round}: a removed student is still present`);
      }
    });

    test('concurrent roster uploads touching the same people all succeed', async () => {
      const people = Array.from({ length: 200 }, (_, i) => ({ userId: `bulk-${String(i).padStart(3, '0')}`, role: 'student' }));
      // Some uploads name the people and some do not: the two kinds are written in separate passes.
      const named = people.map((p, i) => (i < 100 ? { ...p, name: `Named ${i}` } : p));
      const namedLate = people.map((p, i) => (i >= 100 ? { ...p, name: `Late ${i}` } : p));
      const bodies = [named, [...namedLate].reverse(), people.slice(50), [...named.slice(0, 150)].reverse(), namedLate];
      const results = await Promise.all(
        bodies.map((members) => t.request({ method: 'PUT', url: `/api/courses/bulk/members`, token: c.admin, body: { members } })),
      );
      assert.deepEqual(
        results.map((r) => r.statusCode),
        [200, 200, 200, 200, 200],
      );
      const roster = await t.request({ method: 'GET', url: '/api/courses/bulk/members', token: c.admin });
      assert.equal(roster.json().members.length, 200);
    });
  });
}
