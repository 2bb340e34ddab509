import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../test/http.ts';
import { auditRows, type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { effectiveRules } from './rules.ts';

const DEFAULTS = { presentPercent: 75, latePresentMinutes: 10, minimumMinutes: 1, source: 'either' };

test('effective rules: the defaults under the course under the class', () => {
  assert.deepEqual(effectiveRules(null, null), DEFAULTS);
  const course = { presentPercent: 80, source: 'room' };
  assert.deepEqual(effectiveRules(course, { presentPercent: 50 }), { ...DEFAULTS, presentPercent: 50, source: 'room' });
  // A stored field that no longer fits the rules falls back to the layer below instead of failing the report.
  assert.deepEqual(effectiveRules({ presentPercent: 500, bogus: 1 }, null), DEFAULTS);
});

for (const target of await dbTargets('course settings and class overrides')) {
  describe(`course settings on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    before(async () => ({ t, c, other } = await makeTwoCourseApp(target)));
    after(() => t.close());

    const url = (courseId = 'course-1') => `/api/courses/${courseId}/settings`;
    const get = (token: string, courseId?: string) => t.request({ method: 'GET', url: url(courseId), token });
    const put = (token: string, body: unknown, courseId?: string) => t.request({ method: 'PUT', url: url(courseId), token, body });

    test('a course without saved settings reads the defaults', async () => {
      const res = await get(c.mentor);
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { courseId: 'course-1', attendance: DEFAULTS, updatedAt: null });
    });

    test('PUT replaces the rules (omitted fields take their defaults) and GET reads them back', async () => {
      const first = await put(c.mentor, { attendance: { presentPercent: 60, source: 'room', minimumMinutes: 2.5 } });
      assert.equal(first.statusCode, 200, first.body);
      const saved = { ...DEFAULTS, presentPercent: 60, source: 'room', minimumMinutes: 2.5 };
      assert.deepEqual(first.json().attendance, saved);
      assert.ok(first.json().updatedAt);
      assert.deepEqual((await get(c.mentor)).json().attendance, saved);
      const second = await put(c.admin, { attendance: { latePresentMinutes: 5 } });
      assert.deepEqual(second.json().attendance, { ...DEFAULTS, latePresentMinutes: 5 });
      assert.equal((await auditRows(t.db, { action: 'course.settings.put', outcome: 'success' })).length, 2);
    });

    test('unknown or out-of-range fields are refused with VALIDATION_FAILED', async () => {
      assertError(await put(c.mentor, { attendance: { presentPercent: 75, extra: true } }), 400, 'VALIDATION_FAILED');
      assertError(await put(c.mentor, { attendance: {}, other: 1 }), 400, 'VALIDATION_FAILED');
      assertError(await put(c.mentor, { attendance: { presentPercent: 0 } }), 400, 'VALIDATION_FAILED');
      assertError(await put(c.mentor, { attendance: { source: 'zoom' } }), 400, 'VALIDATION_FAILED');
      assertError(await put(c.mentor, {}), 400, 'VALIDATION_FAILED');
    });

    test('students and other courses’ mentors may neither read nor write the settings', async () => {
      assertError(await get(c.student), 403, 'FORBIDDEN');
      assertError(await put(c.student, { attendance: {} }), 403, 'FORBIDDEN');
      assertError(await get(c.mentorWithStudentToken), 403, 'FORBIDDEN');
      assertError(await get(other.mentor), 403, 'FORBIDDEN');
      assertError(await put(other.mentor, { attendance: {} }), 403, 'FORBIDDEN');
      assert.ok((await auditRows(t.db, { action: 'course.settings.put', outcome: 'denied' })).length >= 2);
    });

    test('a class takes overrides in its update, shows them to managers only, and keeps them editable after it ended', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const sessionUrl = `/api/live-sessions/${s.id}`;
      const set = await t.request({ method: 'PUT', url: sessionUrl, token: c.mentor, body: { attendance: { presentPercent: 50 } } });
      assert.equal(set.statusCode, 200, set.body);
      assert.deepEqual(set.json().attendance, { presentPercent: 50 });
      const asStudent = await t.request({ method: 'GET', url: sessionUrl, token: c.student });
      assert.equal(asStudent.json().attendance, undefined);
      assertError(
        await t.request({ method: 'PUT', url: sessionUrl, token: c.mentor, body: { attendance: { nope: 1 } } }),
        400,
        'VALIDATION_FAILED',
      );
      for (const status of ['live', 'completed']) {
        await t.request({ method: 'PUT', url: sessionUrl, token: c.mentor, body: { status } });
      }
      const late = await t.request({ method: 'PUT', url: sessionUrl, token: c.mentor, body: { attendance: { minimumMinutes: 3 } } });
      assert.equal(late.statusCode, 200, late.body);
      assert.deepEqual(late.json().attendance, { minimumMinutes: 3 });
      assertError(await t.request({ method: 'PUT', url: sessionUrl, token: c.mentor, body: { title: 'x' } }), 409, 'SESSION_COMPLETED');
      const cleared = await t.request({ method: 'PUT', url: sessionUrl, token: c.mentor, body: { attendance: null } });
      assert.equal(cleared.json().attendance, null);
    });
  });
}
