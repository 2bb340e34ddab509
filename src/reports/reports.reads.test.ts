import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../test/http.ts';
import { auditRows, type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { type HeldClass, heldClass } from './reports.fixtures.ts';

const S1 = 'course-1-s1';

for (const target of await dbTargets('report reads: audit and limits')) {
  describe(`report reads on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let held: HeldClass;
    const get = (url: string, token: string) => t.request({ method: 'GET', url, token });
    const courseUrl = (query = '') => `/api/courses/${c.courseId}/report${query}`;

    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
      held = await heldClass(t, c, new Date('2026-11-02T09:00:00Z'), { [S1]: [[0, 60]] });
    });
    after(() => t.close());

    test("a manager's read of the class report JSON is audited report.read; a student's own /me is not", async () => {
      assert.equal((await get(`/api/live-sessions/${held.id}/report`, c.mentor)).statusCode, 200);
      assert.equal((await get(`/api/live-sessions/${held.id}/report/me`, c.student)).statusCode, 200);
      const reads = (await auditRows(t.db, { action: 'report.read', outcome: 'success' })).filter((r) => r.session_id === held.id);
      assert.deepEqual(
        reads.map((r) => [r.actor_id, r.target_type, r.target_id, r.course_id]),
        [['course-1-mentor', 'session', held.id, c.courseId]],
      );
      assert.deepEqual(await auditRows(t.db, { action: 'report.read_own' }), []);
      // A CSV download is audited as report.export only, not also as a read.
      await get(`/api/live-sessions/${held.id}/report?format=csv`, c.mentor);
      assert.equal((await auditRows(t.db, { action: 'report.read', outcome: 'success' })).length, 1);
    });

    test("a manager's read of the course report JSON is audited course.report.read with the range", async () => {
      assert.equal((await get(courseUrl('?from=2026-11-01T00:00:00Z'), c.mentor)).statusCode, 200);
      const reads = await auditRows(t.db, { action: 'course.report.read', outcome: 'success' });
      assert.deepEqual(
        reads.map((r) => [r.actor_id, r.target_type, r.target_id, r.details]),
        [['course-1-mentor', 'course', c.courseId, { from: '2026-11-01T00:00:00.000Z', to: null }]],
      );
    });

    test('the course CSV is audited report.export with its table, and not as a JSON read', async () => {
      const csv = await get(courseUrl('?format=csv&table=students'), c.mentor);
      assert.equal(csv.statusCode, 200);
      assert.equal(csv.headers['content-disposition'], `attachment; filename="course-${c.courseId}-students.csv"`);
      assert.match(csv.body, /^\uFEFFuserId,name,email,classesHeld,/);
      const exports = (await auditRows(t.db, { action: 'report.export', outcome: 'success' })).filter((r) => r.target_type === 'course');
      assert.deepEqual(
        exports.map((r) => r.details),
        [{ table: 'students' }],
      );
      assert.equal((await auditRows(t.db, { action: 'course.report.read', outcome: 'success' })).length, 1);
    });

    test('a course report over more than 500 completed classes is refused with REPORT_TOO_LARGE; a narrower range is read', async () => {
      const start = Date.parse('2020-01-01T09:00:00Z');
      const rows = Array.from({ length: 501 }, (_, i) => {
        const at = new Date(start + i * 86_400_000);
        return {
          course_id: c.courseId,
          title: `Old class ${i}`,
          mentor_id: 'course-1-mentor',
          scheduled_start: at,
          duration_minutes: 60,
          status: 'completed' as const,
          actual_start: at,
          actual_end: new Date(at.getTime() + 3_600_000),
          meeting_provider: 'manual' as const,
          meeting_status: 'ready' as const,
          updated_at: at,
        };
      });
      await t.db.insertInto('live_sessions').values(rows).execute();
      for (const query of ['', '?format=csv', '?from=2019-01-01T00:00:00Z&to=2026-12-31T00:00:00Z']) {
        const res = await get(courseUrl(query), c.mentor);
        assertError(res, 400, 'REPORT_TOO_LARGE');
        assert.match(res.json().error.message, /completed classes.*500.*from.*to/);
      }
      // 500 of them (the 501st starts on 2021-05-15) are within the limit.
      const narrowed = await get(courseUrl('?to=2021-05-15T00:00:00Z'), c.mentor);
      assert.equal(narrowed.statusCode, 200, narrowed.body);
      assert.equal(narrowed.json().classes.length, 500);
    });
  });
}
