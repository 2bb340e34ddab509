import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';

for (const target of await dbTargets('sessions API')) {
  describe(`sessions API on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    before(async () => ({ t, c, other } = await makeTwoCourseApp(target)));
    after(() => t.close());

    test('a course mentor schedules a session and gets the full contract back', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/live-sessions',
        token: c.mentor,
        body: {
          courseId: c.courseId,
          title: 'Dynamic programming',
          description: 'Bring questions',
          scheduledStart: '2026-12-01T15:00:00+01:00',
          durationMinutes: 90,
          settings: { chatEnabled: false },
        },
      });
      assert.equal(res.statusCode, 201);
      const s = res.json();
      assert.match(s.id, /^[0-9a-f-]{36}$/);
      assert.equal(s.courseId, c.courseId);
      assert.equal(s.mentorId, `${c.courseId}-mentor`);
      assert.equal(s.scheduledStart, '2026-12-01T14:00:00.000Z');
      assert.equal(s.status, 'scheduled');
      assert.equal(s.actualStart, null);
      assert.deepEqual(s.settings, {
        chatEnabled: false,
        qaEnabled: true,
        pollsEnabled: true,
        anonymousQuestions: true,
        reviewQuestions: false,
      });
      assert.equal(s.meeting.provider, 'jitsi');
      assert.equal(s.meeting.status, 'ready');
      assert.match(s.meeting.url, /^https:\/\/meet\.jit\.si\/SkillProbe-[A-Za-z]+-[0-9a-f]{32}$/);
      const got = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: c.student });
      assert.equal(got.statusCode, 200);
      // Students get the link from POST …/join, which records their attendance, and do not see the class's attendance
      // rules; everything else is the same.
      const { attendance, ...shared } = s;
      assert.equal(attendance, null);
      assert.deepEqual(got.json(), { ...shared, meeting: { ...s.meeting, url: null } });
      const join = await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: c.student });
      assert.equal(join.json().meeting.url, s.meeting.url);
    });

    test('who may schedule: course mentor and admin yes; student, other mentor, roster mentor with a student token no', async () => {
      const body = { courseId: c.courseId, title: 'x', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 30 };
      const codes = [];
      for (const token of [c.admin, c.student, other.mentor, c.mentorWithStudentToken]) {
        codes.push((await t.request({ method: 'POST', url: '/api/live-sessions', token, body })).statusCode);
      }
      assert.deepEqual(codes, [201, 403, 403, 403]);
    });

    test('a student of another course cannot tell that a session exists', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const outsider = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: other.student });
      const missing = await t.request({
        method: 'GET',
        url: '/api/live-sessions/00000000-0000-4000-8000-000000000000',
        token: other.student,
      });
      assert.equal(outsider.statusCode, 404);
      assert.equal(outsider.json().error.code, 'SESSION_NOT_FOUND');
      assert.equal(missing.statusCode, 404);
      const put = await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: other.mentor, body: { title: 'Mine now' } });
      assert.equal(put.statusCode, 404);
    });

    test('the status follows scheduled → live → completed, and nothing else', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const put = (status: string) => t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { status } });
      const bad = await put('completed');
      assert.equal(bad.statusCode, 409);
      assert.equal(bad.json().error.code, 'INVALID_TRANSITION');
      const live = await put('live');
      assert.equal(live.statusCode, 200);
      assert.equal(live.json().status, 'live');
      assert.ok(live.json().actualStart);
      const done = await put('completed');
      assert.equal(done.json().status, 'completed');
      assert.ok(Date.parse(done.json().actualEnd) >= Date.parse(live.json().actualStart));
      for (const status of ['live', 'scheduled', 'cancelled']) {
        const res = await put(status);
        assert.equal(res.statusCode, 409, status);
        assert.equal(res.json().error.code, 'INVALID_TRANSITION');
      }
      const edit = await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { title: 'Late edit' } });
      assert.equal(edit.json().error.code, 'SESSION_COMPLETED');
    });

    test('DELETE cancels, a second DELETE is harmless, and students can no longer join for the link', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const del = await t.request({ method: 'DELETE', url: `/api/live-sessions/${s.id}`, token: c.mentor });
      assert.equal(del.statusCode, 200);
      assert.equal(del.json().status, 'cancelled');
      assert.equal((await t.request({ method: 'DELETE', url: `/api/live-sessions/${s.id}`, token: c.mentor })).statusCode, 200);
      const asStudent = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: c.student });
      assert.equal(asStudent.json().meeting.url, null);
      const join = await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: c.student });
      assert.equal(join.json().error.code, 'SESSION_CANCELLED');
      const asMentor = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: c.mentor });
      assert.ok(asMentor.json().meeting.url);
      const studentDelete = await t.request({ method: 'DELETE', url: `/api/live-sessions/${s.id}`, token: c.student });
      assert.equal(studentDelete.statusCode, 403);
    });

    test('a partial update changes only the fields sent', async () => {
      const s = await makeSession(t, c.mentor, c.courseId, { description: 'keep me' });
      const res = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${s.id}`,
        token: c.mentor,
        body: { title: 'Renamed', settings: { qaEnabled: false }, scheduledStart: '2027-01-05T09:30:00-05:00' },
      });
      assert.equal(res.statusCode, 200);
      const u = res.json();
      assert.equal(u.title, 'Renamed');
      assert.equal(u.description, 'keep me');
      assert.equal(u.scheduledStart, '2027-01-05T14:30:00.000Z');
      assert.deepEqual(u.settings, {
        chatEnabled: true,
        qaEnabled: false,
        pollsEnabled: true,
        anonymousQuestions: true,
        reviewQuestions: false,
      });
    });

    test('bad input gets a 400 naming the field, never a 500', async () => {
      const cases: [unknown, string][] = [
        [{ courseId: c.courseId, title: '', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 30 }, 'body.title'],
        [{ courseId: c.courseId, title: 'x', scheduledStart: '2026-02-30T10:00:00Z', durationMinutes: 30 }, 'body.scheduledStart'],
        [{ courseId: c.courseId, title: 'x', scheduledStart: '2026-12-01 10:00', durationMinutes: 30 }, 'body.scheduledStart'],
        [{ courseId: c.courseId, title: 'x', scheduledStart: '2026-12-01T10:00:00', durationMinutes: 30 }, 'body.scheduledStart'],
        [{ courseId: c.courseId, title: 'x', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: '30' }, 'body.durationMinutes'],
        [{ courseId: c.courseId, title: 'x', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 0 }, 'body.durationMinutes'],
        [{ courseId: c.courseId, title: 'x', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 30, extra: 1 }, 'body.extra'],
        [
          {
            courseId: c.courseId,
            title: 'x',
            scheduledStart: '2026-12-01T10:00:00Z',
            durationMinutes: 30,
            settings: { chatEnabled: 'yes' },
          },
          'body.settings.chatEnabled',
        ],
        [{ courseId: 'bad id!', title: 'x', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 30 }, 'body.courseId'],
        [{ courseId: c.courseId, title: 'nul\u0000byte', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 30 }, 'body.title'],
        [
          { courseId: c.courseId, title: 'x', description: '\u0000', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 30 },
          'body.description',
        ],
        [{ courseId: c.courseId, title: 'x', scheduledStart: '0001-01-01T00:00:00+14:00', durationMinutes: 30 }, 'body.scheduledStart'],
        [{ courseId: c.courseId, title: 'x', scheduledStart: '9999-12-31T23:59:59-14:00', durationMinutes: 30 }, 'body.scheduledStart'],
      ];
      for (const [body, field] of cases) {
        const res = await t.request({ method: 'POST', url: '/api/live-sessions', token: c.mentor, body });
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        const err = res.json().error;
        assert.equal(err.code, 'VALIDATION_FAILED');
        assert.ok(
          err.details.some((d: { field: string }) => d.field === field),
          `${field} in ${JSON.stringify(err.details)}`,
        );
      }
      const badId = await t.request({ method: 'GET', url: '/api/live-sessions/not-a-uuid', token: c.mentor });
      assert.equal(badId.statusCode, 400);
      assert.equal(badId.json().error.details[0].field, 'params.sessionId');
      const empty = await t.request({
        method: 'PUT',
        url: '/api/live-sessions/00000000-0000-4000-8000-000000000000',
        token: c.mentor,
        body: {},
      });
      assert.equal(empty.statusCode, 400);
    });
  });
}
