import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { auditRows, type Course, dbTargets, makeCourse, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { assertError } from '../test/http.ts';

type GroupSet = { id: string; name: string; groups: { name: string; memberIds: string[] }[]; createdAt: string; updatedAt: string };

for (const target of await dbTargets('course group sets')) {
  describe(`course group sets on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    before(async () => ({ t, c, other } = await makeTwoCourseApp(target)));
    after(() => t.close());

    const url = (courseId: string, id?: string) => `/api/courses/${courseId}/group-sets${id ? `/${id}` : ''}`;
    const put = (token: string, groupSets: unknown[], courseId = 'course-1') =>
      t.request({ method: 'PUT', url: url(courseId), token, body: { groupSets } });
    const list = async (token: string, courseId = 'course-1') => {
      const res = await t.request({ method: 'GET', url: url(courseId), token });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().groupSets as GroupSet[];
    };
    /** A course of its own, with students `<courseId>-s1` … `<courseId>-s<n>` (and the usual mentor). */
    const courseWithStudents = async (courseId: string, n: number, idOf = (i: number) => `${courseId}-s${i}`) => {
      const course = await makeCourse(t, courseId);
      const members = Array.from({ length: n }, (_, i) => ({ userId: idOf(i + 1), role: 'student' }));
      const res = await t.request({ method: 'PUT', url: `/api/courses/${courseId}/members`, token: c.admin, body: { members } });
      assert.equal(res.statusCode, 200, res.body);
      return course;
    };

    test('a course starts with no sets; a PUT saves them trimmed, in order, and GET returns the same', async () => {
      assert.deepEqual(await list(c.mentor), []);
      const saved = await put(c.mentor, [
        { name: ' Lab pairs ', groups: [{ name: 'Pair 1', memberIds: ['course-1-s1', 'course-1-s2'] }] },
        {
          name: 'Projects',
          groups: [
            { name: 'Red', memberIds: ['course-1-s2'] },
            { name: 'Blue', memberIds: [] },
          ],
        },
      ]);
      assert.equal(saved.statusCode, 200, saved.body);
      const body = saved.json() as { courseId: string; groupSets: GroupSet[] };
      assert.equal(body.courseId, 'course-1');
      assert.deepEqual(
        body.groupSets.map((s) => [s.name, s.groups]),
        [
          ['Lab pairs', [{ name: 'Pair 1', memberIds: ['course-1-s1', 'course-1-s2'] }]],
          [
            'Projects',
            [
              { name: 'Red', memberIds: ['course-1-s2'] },
              { name: 'Blue', memberIds: [] },
            ],
          ],
        ],
      );
      for (const s of body.groupSets) assert.equal(s.createdAt, s.updatedAt);
      assert.deepEqual(await list(c.admin), body.groupSets);
      const one = await t.request({ method: 'GET', url: url('course-1', body.groupSets[1]?.id), token: c.mentor });
      assert.equal(one.statusCode, 200, one.body);
      assert.deepEqual(one.json(), body.groupSets[1]);
    });

    test('a set re-sent with its id keeps it and its createdAt, a set without one is new, and unlisted sets are deleted', async () => {
      const course = await courseWithStudents('ids', 3);
      const first = (
        await put(
          course.mentor,
          [
            { name: 'A', groups: [{ name: 'G', memberIds: ['ids-s1'] }] },
            { name: 'B', groups: [] },
          ],
          'ids',
        )
      ).json().groupSets as GroupSet[];
      const [a, b] = first as [GroupSet, GroupSet];
      await new Promise((resolve) => setTimeout(resolve, 5));
      const res = await put(
        course.mentor,
        [
          { name: 'C', groups: [{ name: 'G', memberIds: ['ids-s2'] }] },
          { id: a.id, name: 'A', groups: [{ name: 'G', memberIds: ['ids-s1'] }] },
        ],
        'ids',
      );
      assert.equal(res.statusCode, 200, res.body);
      const [newC, keptA] = res.json().groupSets as [GroupSet, GroupSet];
      assert.equal(keptA.id, a.id);
      assert.equal(keptA.createdAt, a.createdAt);
      assert.equal(keptA.updatedAt, a.updatedAt, 'unchanged, so not updated');
      assert.ok(![a.id, b.id].includes(newC.id));
      assert.deepEqual(
        (await list(course.mentor, 'ids')).map((s) => s.name),
        ['C', 'A'],
        'in the order sent',
      );
      assertError(await t.request({ method: 'GET', url: url('ids', b.id), token: course.mentor }), 404, 'GROUP_SET_NOT_FOUND');

      const renamed = await put(course.mentor, [{ id: a.id, name: 'A renamed', groups: [{ name: 'G', memberIds: ['ids-s3'] }] }], 'ids');
      const [changed] = renamed.json().groupSets as [GroupSet];
      assert.equal(changed.createdAt, a.createdAt);
      assert.ok(changed.updatedAt > a.updatedAt, 'changed, so updated');
      assert.deepEqual(
        (await list(course.mentor, 'ids')).map((s) => s.id),
        [a.id],
      );
      assert.deepEqual((await put(course.mentor, [], 'ids')).json(), { courseId: 'ids', groupSets: [] });
      assert.deepEqual(await list(course.mentor, 'ids'), []);
    });

    test('bad lists are refused with VALIDATION_FAILED naming the field, and nothing is saved', async () => {
      const course = await courseWithStudents('rules', 2);
      const saved = (await put(course.mentor, [{ name: 'Kept', groups: [] }], 'rules')).json().groupSets;
      const refused = async (sets: unknown[], field: string) => {
        const error = assertError(await put(course.mentor, sets, 'rules'), 400, 'VALIDATION_FAILED');
        assert.ok(
          error.details?.some((d) => d.field === field),
          JSON.stringify(error),
        );
      };
      await refused(
        [
          { name: 'Teams', groups: [] },
          { name: ' teams ', groups: [] },
        ],
        'body.groupSets.1.name',
      );
      const twoGroups = [
        { name: 'G1', memberIds: [] },
        { name: 'g1', memberIds: [] },
      ];
      await refused([{ name: 'S', groups: twoGroups }], 'body.groupSets.0.groups.1.name');
      const twice = [
        { name: 'G1', memberIds: ['rules-s1'] },
        { name: 'G2', memberIds: ['rules-s2', 'rules-s1'] },
      ];
      await refused([{ name: 'S', groups: twice }], 'body.groupSets.0.groups.1.memberIds.1');
      await refused([{ name: 'x'.repeat(101), groups: [] }], 'body.groupSets.0.name');
      await refused([{ name: '   ', groups: [] }], 'body.groupSets.0.name');
      await refused([{ name: 'S', groups: [{ name: 'G', memberIds: ['not an id'] }] }], 'body.groupSets.0.groups.0.memberIds.0');
      await refused(
        Array.from({ length: 101 }, (_, i) => ({ name: `S${i}`, groups: [] })),
        'body.groupSets',
      );
      const many = Array.from({ length: 201 }, (_, i) => ({ name: `G${i}`, memberIds: [] }));
      await refused([{ name: 'S', groups: many }], 'body.groupSets.0.groups');
      // An id must be one of this course's sets: not made up, not another course's.
      await refused([{ id: randomUUID(), name: 'S', groups: [] }], 'body.groupSets.0.id');
      const elsewhere = (await put(other.mentor, [{ name: 'Theirs', groups: [] }], 'course-2')).json().groupSets[0].id;
      await refused(
        [
          { name: 'Kept', groups: [] },
          { id: elsewhere, name: 'S', groups: [] },
        ],
        'body.groupSets.1.id',
      );
      assert.deepEqual(await list(course.mentor, 'rules'), saved);
      assert.equal((await list(other.mentor, 'course-2'))[0]?.id, elsewhere, "another course's set is untouched");
    });

    test('every member must be a student on the roster: others are NOT_ON_ROSTER, named in the message', async () => {
      const course = await courseWithStudents('roster', 2);
      const res = await put(
        course.mentor,
        [{ name: 'S', groups: [{ name: 'G', memberIds: ['roster-s1', 'stranger', 'roster-mentor', 'course-1-s1'] }] }],
        'roster',
      );
      const error = assertError(res, 400, 'NOT_ON_ROSTER');
      assert.match(error.message, /stranger, roster-mentor, course-1-s1$/);
      assert.deepEqual(
        error.details?.map((d) => d.field),
        [1, 2, 3].map((m) => `body.groupSets.0.groups.0.memberIds.${m}`),
      );
      assert.deepEqual(await list(course.mentor, 'roster'), []);
      const lots = Array.from({ length: 15 }, (_, i) => `ghost-${i}`);
      const long = assertError(await put(course.mentor, [{ name: 'S', groups: [{ name: 'G', memberIds: lots }] }], 'roster'), 400);
      assert.match(long.message, /ghost-9 and 5 more$/);
    });

    test('a student removed from the roster, or made a mentor, vanishes from every group on read', async () => {
      const course = await courseWithStudents('leavers', 3);
      const groups = [
        { name: 'G1', memberIds: ['leavers-s1', 'leavers-s2'] },
        { name: 'G2', memberIds: ['leavers-s3'] },
      ];
      const saved = await put(
        course.mentor,
        [
          { name: 'S', groups },
          { name: 'T', groups: [{ name: 'All', memberIds: ['leavers-s3', 'leavers-s1'] }] },
        ],
        'leavers',
      );
      const [s] = saved.json().groupSets as [GroupSet];
      const removed = await t.request({ method: 'DELETE', url: '/api/courses/leavers/members/leavers-s1', token: c.admin });
      assert.equal(removed.statusCode, 204, removed.body);
      const promoted = await t.request({
        method: 'PUT',
        url: '/api/courses/leavers/members',
        token: c.admin,
        body: { members: [{ userId: 'leavers-s3', role: 'mentor' }] },
      });
      assert.equal(promoted.statusCode, 200, promoted.body);
      const sets = await list(course.mentor, 'leavers');
      assert.deepEqual(
        sets.map((set) => set.groups),
        [
          [
            { name: 'G1', memberIds: ['leavers-s2'] },
            { name: 'G2', memberIds: [] },
          ],
          [{ name: 'All', memberIds: [] }],
        ],
      );
      const one = await t.request({ method: 'GET', url: url('leavers', s.id), token: course.mentor });
      assert.deepEqual(one.json().groups, sets[0]?.groups);
      assertError(await put(course.mentor, [{ id: s.id, name: 'S', groups }], 'leavers'), 400, 'NOT_ON_ROSTER');
      const back = await t.request({
        method: 'PUT',
        url: '/api/courses/leavers/members',
        token: c.admin,
        body: { members: [{ userId: 'leavers-s1', role: 'student' }] },
      });
      assert.equal(back.statusCode, 200, back.body);
      assert.deepEqual((await list(course.mentor, 'leavers'))[0]?.groups[0], groups[0], 'back on the roster, back in the group');
    });

    test('only the course mentors and admins read or write the sets; refusals are audited', async () => {
      const [set] = await list(c.mentor);
      const id = set?.id ?? '';
      for (const token of [c.student, other.mentor, other.student, c.mentorWithStudentToken]) {
        assertError(await t.request({ method: 'GET', url: url('course-1'), token }), 403, 'FORBIDDEN');
        assertError(await t.request({ method: 'GET', url: url('course-1', id), token }), 403, 'FORBIDDEN');
        assertError(await put(token, []), 403, 'FORBIDDEN');
      }
      assertError(await t.request({ method: 'GET', url: url('course-2', id), token: other.mentor }), 404, 'GROUP_SET_NOT_FOUND');
      assert.equal((await t.request({ method: 'GET', url: url('course-1', id), token: c.admin })).statusCode, 200);
      assert.equal((await list(c.mentor)).length, 2, 'nothing was replaced');
      assert.equal((await auditRows(t.db, { action: 'course.group_sets.put', outcome: 'denied' })).length, 4);
      assert.equal((await auditRows(t.db, { action: 'course.group_sets.read', outcome: 'denied' })).length, 8);
      const admin = await put(c.admin, [{ name: 'By the LMS', groups: [{ name: 'G', memberIds: ['course-1-s1'] }] }]);
      assert.equal(admin.statusCode, 200, admin.body);
    });

    test('each save writes one audit entry with counts, never names', async () => {
      const course = await courseWithStudents('audited', 3);
      const before = (await auditRows(t.db, { action: 'course.group_sets.put', outcome: 'success' })).length;
      const groups = [
        { name: 'Secret name', memberIds: ['audited-s1', 'audited-s2'] },
        { name: 'G2', memberIds: ['audited-s3'] },
      ];
      await put(
        course.mentor,
        [
          { name: 'Set one', groups },
          { name: 'Set two', groups: [{ name: 'G', memberIds: ['audited-s1'] }] },
        ],
        'audited',
      );
      const rows = await auditRows(t.db, { action: 'course.group_sets.put', outcome: 'success' });
      assert.equal(rows.length, before + 1);
      const entry = rows.at(-1);
      assert.equal(entry?.actor_id, 'audited-mentor');
      assert.equal(entry?.course_id, 'audited');
      assert.equal(JSON.stringify(entry?.details), JSON.stringify({ sets: 2, groups: 3, members: 4 }));
    });

    test('an LMS import of a large course fits: 1,000 members in a group, over the default body limit', async () => {
      const idOf = (i: number) => `lms-user-${String(i).padStart(6, '0')}-${'x'.repeat(84)}`;
      const course = await courseWithStudents('large', 1001, idOf);
      const ids = Array.from({ length: 1001 }, (_, i) => idOf(i + 1));
      const res = await put(course.mentor, [{ name: 'Everyone', groups: [{ name: 'All', memberIds: ids.slice(0, 1000) }] }], 'large');
      assert.equal(res.statusCode, 200, res.body.slice(0, 300));
      assert.equal(res.json().groupSets[0].groups[0].memberIds.length, 1000);
      const tooMany = await put(course.mentor, [{ name: 'Everyone', groups: [{ name: 'All', memberIds: ids }] }], 'large');
      assertError(tooMany, 400, 'VALIDATION_FAILED');
    });
  });
}
