/**
 * The access matrix of docs/api.md, route by route and caller by caller. Each mutating call gets a session of its
 * own, so the rows do not depend on each other.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';

type Caller = 'student' | 'outsiderStudent' | 'mentor' | 'outsiderMentor' | 'mentorWithStudentToken' | 'admin';
const CALLERS: Caller[] = ['student', 'outsiderStudent', 'mentor', 'outsiderMentor', 'mentorWithStudentToken', 'admin'];

interface Row {
  route: string;
  call: (id: string) => { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; body?: unknown };
  /** Expected status per caller, in CALLERS order. */
  expect: number[];
}

const ROWS: Row[] = [
  { route: 'GET session', call: (id) => ({ method: 'GET', url: `/api/live-sessions/${id}` }), expect: [200, 404, 200, 404, 200, 200] },
  {
    route: 'PUT session',
    call: (id) => ({ method: 'PUT', url: `/api/live-sessions/${id}`, body: { title: 'New' } }),
    expect: [403, 404, 200, 404, 403, 200],
  },
  {
    route: 'DELETE session',
    call: (id) => ({ method: 'DELETE', url: `/api/live-sessions/${id}` }),
    expect: [403, 404, 200, 404, 403, 200],
  },
  {
    route: 'PUT meeting',
    call: (id) => ({ method: 'PUT', url: `/api/live-sessions/${id}/meeting`, body: { url: 'https://zoom.us/j/1' } }),
    expect: [403, 404, 200, 404, 403, 200],
  },
  // A Jitsi link needs no retry: managers get past the access check to the 409 that says so.
  {
    route: 'POST meeting retry',
    call: (id) => ({ method: 'POST', url: `/api/live-sessions/${id}/meeting/retry` }),
    expect: [403, 404, 409, 404, 403, 409],
  },
  { route: 'POST join', call: (id) => ({ method: 'POST', url: `/api/live-sessions/${id}/join` }), expect: [200, 404, 200, 404, 200, 200] },
  {
    route: 'DELETE join',
    call: (id) => ({ method: 'DELETE', url: `/api/live-sessions/${id}/join` }),
    expect: [200, 404, 200, 404, 200, 200],
  },
  {
    route: 'GET attendance',
    call: (id) => ({ method: 'GET', url: `/api/live-sessions/${id}/attendance` }),
    expect: [403, 404, 200, 404, 403, 200],
  },
  {
    route: 'GET report',
    call: (id) => ({ method: 'GET', url: `/api/live-sessions/${id}/report` }),
    expect: [403, 404, 200, 404, 403, 200],
  },
  {
    route: 'GET report/me',
    call: (id) => ({ method: 'GET', url: `/api/live-sessions/${id}/report/me` }),
    expect: [200, 404, 403, 404, 403, 403],
  },
  {
    route: 'GET events',
    call: (id) => ({ method: 'GET', url: `/api/live-sessions/${id}/events` }),
    expect: [200, 404, 200, 404, 200, 200],
  },
  { route: 'GET chat', call: (id) => ({ method: 'GET', url: `/api/live-sessions/${id}/chat` }), expect: [200, 404, 200, 404, 200, 200] },
  { route: 'GET qa', call: (id) => ({ method: 'GET', url: `/api/live-sessions/${id}/qa` }), expect: [200, 404, 200, 404, 200, 200] },
  { route: 'GET polls', call: (id) => ({ method: 'GET', url: `/api/live-sessions/${id}/polls` }), expect: [200, 404, 200, 404, 200, 200] },
  {
    route: 'GET quiz scores',
    call: (id) => ({ method: 'GET', url: `/api/live-sessions/${id}/polls/scores` }),
    expect: [403, 404, 200, 404, 403, 200],
  },
  {
    route: 'GET list of the course',
    call: () => ({ method: 'GET', url: '/api/live-sessions?courseId=course-1' }),
    expect: [200, 403, 200, 403, 200, 200],
  },
  {
    route: 'POST session in the course',
    call: () => ({
      method: 'POST',
      url: '/api/live-sessions',
      body: { courseId: 'course-1', title: 'x', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 30 },
    }),
    expect: [403, 403, 201, 403, 403, 201],
  },
  { route: 'GET roster', call: () => ({ method: 'GET', url: '/api/courses/course-1/members' }), expect: [403, 403, 200, 403, 403, 200] },
  {
    route: 'PUT roster',
    call: () => ({ method: 'PUT', url: '/api/courses/course-1/members', body: { members: [{ userId: 'newbie', role: 'student' }] } }),
    expect: [403, 403, 403, 403, 403, 200],
  },
  { route: 'GET settings', call: () => ({ method: 'GET', url: '/api/courses/course-1/settings' }), expect: [403, 403, 200, 403, 403, 200] },
  {
    route: 'PUT settings',
    call: () => ({ method: 'PUT', url: '/api/courses/course-1/settings', body: { attendance: {} } }),
    expect: [403, 403, 200, 403, 403, 200],
  },
  {
    route: 'GET group sets',
    call: () => ({ method: 'GET', url: '/api/courses/course-1/group-sets' }),
    expect: [403, 403, 200, 403, 403, 200],
  },
  {
    route: 'PUT group sets',
    call: () => ({ method: 'PUT', url: '/api/courses/course-1/group-sets', body: { groupSets: [] } }),
    expect: [403, 403, 200, 403, 403, 200],
  },
  {
    route: 'GET course report',
    call: () => ({ method: 'GET', url: '/api/courses/course-1/report' }),
    expect: [403, 403, 200, 403, 403, 200],
  },
  { route: 'GET audit', call: () => ({ method: 'GET', url: '/api/audit' }), expect: [403, 403, 403, 403, 403, 200] },
];

for (const target of await dbTargets('access matrix')) {
  describe(`the access matrix on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    before(async () => ({ t, c, other } = await makeTwoCourseApp(target)));
    after(() => t.close());

    const tokenOf = (caller: Caller) =>
      ({
        student: c.student,
        outsiderStudent: other.student,
        mentor: c.mentor,
        outsiderMentor: other.mentor,
        mentorWithStudentToken: c.mentorWithStudentToken,
        admin: c.admin,
      })[caller];

    for (const row of ROWS) {
      test(`${row.route}: ${CALLERS.map((caller, i) => `${caller} ${row.expect[i]}`).join(', ')}`, async () => {
        const got: number[] = [];
        for (const caller of CALLERS) {
          const { id } = await makeSession(t, c.mentor, c.courseId);
          const res = await t.request({ ...row.call(id), token: tokenOf(caller) });
          got.push(res.statusCode);
        }
        assert.deepEqual(got, row.expect);
      });
    }

    test('without a token every route is 401', async () => {
      const { id } = await makeSession(t, c.mentor, c.courseId);
      for (const row of ROWS) assert.equal((await t.request(row.call(id))).statusCode, 401, row.route);
    });
  });
}
