import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeCourse, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';

interface Member {
  userId: string;
  name: string;
  email: string | null;
  role: string;
  addedAt: string;
  updatedAt: string;
}

for (const target of await dbTargets('course rosters API')) {
  describe(`course rosters API on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    before(async () => ({ t, c, other } = await makeTwoCourseApp(target)));
    after(() => t.close());

    const putMembers = (courseId: string, token: string, body: unknown) =>
      t.request({ method: 'PUT', url: `/api/courses/${courseId}/members`, token, body });
    const getMembers = (courseId: string, token: string) => t.request({ method: 'GET', url: `/api/courses/${courseId}/members`, token });

    test('an admin PUT upserts: changes roles and names, adds members, keeps the rest, returns the whole roster', async () => {
      const r = await makeCourse(t, 'roster-upsert');
      // An old stamp, so a changed row is told apart from an untouched one regardless of clock resolution.
      await t.db
        .updateTable('course_members')
        .set({ updated_at: '2020-01-01T00:00:00.000Z' })
        .where('course_id', '=', r.courseId)
        .execute();
      const before = (await getMembers(r.courseId, r.admin)).json().members as Member[];
      const res = await putMembers(r.courseId, r.admin, {
        members: [
          { userId: 'roster-upsert-s1', name: 'Samuel Student', role: 'student' },
          { userId: 'roster-upsert-s2', role: 'mentor' },
          { userId: 'roster-upsert-s3', name: 'Ada Newcomer', email: 'ada@example.org', role: 'student' },
        ],
      });
      assert.equal(res.statusCode, 200);
      const roster = res.json();
      assert.equal(roster.courseId, r.courseId);
      const members = roster.members as Member[];
      // Mentors first, then by name.
      assert.deepEqual(
        members.map((m) => [m.userId, m.name, m.role, m.email]),
        [
          ['roster-upsert-mentor', 'Mia Mentor', 'mentor', null],
          ['roster-upsert-s2', 'Sky Student', 'mentor', null],
          ['roster-upsert-s3', 'Ada Newcomer', 'student', 'ada@example.org'],
          ['roster-upsert-s1', 'Samuel Student', 'student', null],
        ],
      );
      const was = (id: string) => before.find((m) => m.userId === id)!;
      const now = (id: string) => members.find((m) => m.userId === id)!;
      assert.deepEqual(now('roster-upsert-mentor'), was('roster-upsert-mentor'));
      assert.equal(now('roster-upsert-s2').addedAt, was('roster-upsert-s2').addedAt);
      assert.equal(was('roster-upsert-s2').updatedAt, '2020-01-01T00:00:00.000Z');
      assert.ok(Date.parse(now('roster-upsert-s2').updatedAt) > Date.parse('2020-01-02T00:00:00.000Z'));
      assert.deepEqual((await getMembers(r.courseId, r.admin)).json(), roster);
    });

    test('only admins write rosters: mentors and students get 403 and change nothing', async () => {
      const body = { members: [{ userId: 'intruder', role: 'mentor' }] };
      for (const token of [c.mentor, c.student]) {
        const res = await putMembers(c.courseId, token, body);
        assert.equal(res.statusCode, 403);
        assert.equal(res.json().error.code, 'FORBIDDEN');
        const del = await t.request({ method: 'DELETE', url: `/api/courses/${c.courseId}/members/${c.courseId}-s2`, token });
        assert.equal(del.statusCode, 403);
        assert.equal(del.json().error.code, 'FORBIDDEN');
      }
      const ids = ((await getMembers(c.courseId, c.admin)).json().members as Member[]).map((m) => m.userId).sort();
      assert.deepEqual(ids, [`${c.courseId}-mentor`, `${c.courseId}-s1`, `${c.courseId}-s2`]);
    });

    test('bad roster input gets a 400 naming the field and writes nothing', async () => {
      const cases: [unknown, string][] = [
        [
          {
            members: [
              { userId: 'v-a', role: 'student' },
              { userId: 'v-a', role: 'mentor' },
            ],
          },
          'body.members.1.userId',
        ],
        [{ members: [{ userId: 'v-a', role: 'admin' }] }, 'body.members.0.role'],
        [{ members: [] }, 'body.members'],
        [{ members: [{ userId: 'v-a', role: 'student', nickname: 'A' }] }, 'body.members.0.nickname'],
        [{ members: [{ userId: 'v-a', role: 'student' }], replace: true }, 'body.replace'],
        [{ members: [{ userId: 'bad id!', role: 'student' }] }, 'body.members.0.userId'],
      ];
      for (const [body, field] of cases) {
        const res = await putMembers('validation', c.admin, body);
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        const err = res.json().error;
        assert.equal(err.code, 'VALIDATION_FAILED');
        assert.ok(
          err.details.some((d: { field: string }) => d.field === field),
          `${field} in ${JSON.stringify(err.details)}`,
        );
      }
      assert.deepEqual((await getMembers('validation', c.admin)).json(), { courseId: 'validation', members: [] });
    });

    test('who may read a roster: course mentor and admin yes; students, other mentors, a roster mentor with a student token no', async () => {
      const codes = [];
      for (const token of [c.mentor, c.admin, c.student, other.mentor, c.mentorWithStudentToken]) {
        codes.push((await getMembers(c.courseId, token)).statusCode);
      }
      assert.deepEqual(codes, [200, 200, 403, 403, 403]);
      assert.equal((await getMembers(c.courseId, c.student)).json().error.code, 'FORBIDDEN');
    });

    test('a course reads as its id and no title unless an LMS named it; outsiders are refused', async () => {
      const read = (token: string, courseId = c.courseId) => t.request({ method: 'GET', url: `/api/courses/${courseId}`, token });
      for (const token of [c.student, c.mentor, c.admin])
        assert.deepEqual((await read(token)).json(), { courseId: c.courseId, title: null });
      const outsider = await read(other.student);
      assert.equal(outsider.statusCode, 403, outsider.body);
      assert.equal(outsider.json().error.code, 'FORBIDDEN');
    });

    test('removing a member: 204, then 404, and the removed student loses the course', async () => {
      const r = await makeCourse(t, 'roster-remove');
      const s = await makeSession(t, r.mentor, r.courseId);
      assert.equal((await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: r.student })).statusCode, 200);
      assert.equal((await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: r.student })).statusCode, 200);

      const url = `/api/courses/${r.courseId}/members/${r.courseId}-s1`;
      const del = await t.request({ method: 'DELETE', url, token: r.admin });
      assert.equal(del.statusCode, 204);
      assert.equal(del.body, '');
      // Leaving the course ends their presence in its classes.
      const segment = await t.db.selectFrom('session_attendance').selectAll().where('session_id', '=', s.id).executeTakeFirstOrThrow();
      assert.ok(segment.left_at instanceof Date, 'the open segment was closed');
      const again = await t.request({ method: 'DELETE', url, token: r.admin });
      assert.equal(again.statusCode, 404);
      assert.equal(again.json().error.code, 'MEMBER_NOT_FOUND');

      const ids = ((await getMembers(r.courseId, r.admin)).json().members as Member[]).map((m) => m.userId);
      assert.deepEqual(ids.sort(), [`${r.courseId}-mentor`, `${r.courseId}-s2`]);
      const session = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: r.student });
      assert.equal(session.statusCode, 404);
      assert.equal(session.json().error.code, 'SESSION_NOT_FOUND');
      const list = await t.request({ method: 'GET', url: `/api/live-sessions?courseId=${r.courseId}`, token: r.student });
      assert.equal(list.statusCode, 403);
      assert.equal(list.json().error.code, 'FORBIDDEN');
      const unlisted = await t.request({ method: 'GET', url: '/api/live-sessions?limit=100', token: r.student });
      assert.equal(unlisted.statusCode, 200);
      assert.ok(!unlisted.json().items.some((i: { id: string }) => i.id === s.id));
    });

    test('a student listing without a courseId sees the sessions of their courses only', async () => {
      const a = await makeCourse(t, 'list-a');
      const b = await makeCourse(t, 'list-b');
      const x = await makeCourse(t, 'list-x');
      const join = await putMembers(b.courseId, b.admin, { members: [{ userId: 'list-a-s1', role: 'student' }] });
      assert.equal(join.statusCode, 200);
      const mine = [(await makeSession(t, a.mentor, a.courseId)).id, (await makeSession(t, b.mentor, b.courseId)).id];
      const notMine = (await makeSession(t, x.mentor, x.courseId)).id;

      const res = await t.request({ method: 'GET', url: '/api/live-sessions?limit=100', token: a.student });
      assert.equal(res.statusCode, 200);
      const items = res.json().items as { id: string; courseId: string }[];
      assert.deepEqual(items.map((i) => i.id).sort(), [...mine].sort());
      assert.ok(!items.some((i) => i.id === notMine));
      assert.deepEqual([...new Set(items.map((i) => i.courseId))].sort(), ['list-a', 'list-b']);
    });

    test('a roster of 10,000 members is taken in one request', async () => {
      const members = Array.from({ length: 10_000 }, (_, i) => ({ userId: `big-${i}`, name: `Student ${i}`, role: 'student' }));
      const res = await putMembers('big-course', c.admin, { members });
      assert.equal(res.statusCode, 200, res.body.slice(0, 200));
      assert.equal(res.json().members.length, 10_000);
      const after = await putMembers('big-course', c.admin, { members: [{ userId: 'big-1', role: 'mentor' }] });
      assert.equal(after.statusCode, 200, 'the database is still usable afterwards');
    });
  });
}
