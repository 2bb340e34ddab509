import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeCourse, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';

interface ReportRow {
  userId: string;
  name: string;
  rosterRole: string | null;
  status: string;
  firstJoin: string | null;
  lastLeave: string | null;
  minutesPresent: number;
  presentNow: boolean;
  segments: number;
}

for (const target of await dbTargets('attendance API')) {
  describe(`attendance API on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    before(async () => ({ t, c, other } = await makeTwoCourseApp(target)));
    after(() => t.close());

    const join = (token: string, sessionId: string) => t.request({ method: 'POST', url: `/api/live-sessions/${sessionId}/join`, token });
    const leave = (token: string, sessionId: string) => t.request({ method: 'DELETE', url: `/api/live-sessions/${sessionId}/join`, token });
    const setStatus = (sessionId: string, status: string) =>
      t.request({ method: 'PUT', url: `/api/live-sessions/${sessionId}`, token: c.mentor, body: { status } });
    const segmentsOf = (sessionId: string, userId?: string) => {
      let q = t.db.selectFrom('session_attendance').selectAll().where('session_id', '=', sessionId);
      if (userId) q = q.where('user_id', '=', userId);
      return q.orderBy('joined_at').execute();
    };

    test('joining hands out the meeting link and opens a segment', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const before = Date.now();
      const res = await join(c.student, s.id);
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), ['joinedAt', 'meeting', 'sessionId']);
      assert.equal(body.sessionId, s.id);
      assert.deepEqual(body.meeting, { provider: 'jitsi', url: s.meeting.url, status: 'ready', error: null });
      assert.ok(s.meeting.url);
      assert.ok(Date.parse(body.joinedAt) >= before - 1000 && Date.parse(body.joinedAt) <= Date.now());
      const rows = await segmentsOf(s.id, `${c.courseId}-s1`);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.joined_at.toISOString(), body.joinedAt);
      assert.equal(rows[0]!.left_at, null);
    });

    test('joining twice keeps one open segment and the first join time', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const first = (await join(c.student, s.id)).json();
      const second = await join(c.student, s.id);
      assert.equal(second.statusCode, 200);
      assert.equal(second.json().joinedAt, first.joinedAt);
      const rows = await segmentsOf(s.id, `${c.courseId}-s1`);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.left_at, null);
    });

    test('leaving closes the open segment; leaving again is a harmless no-op', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      await join(c.student, s.id);
      const res = await leave(c.student, s.id);
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.sessionId, s.id);
      assert.equal(body.present, false);
      const rows = await segmentsOf(s.id, `${c.courseId}-s1`);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.left_at?.toISOString(), body.leftAt);
      const again = await leave(c.student, s.id);
      assert.equal(again.statusCode, 200);
      assert.deepEqual(again.json(), { sessionId: s.id, present: false, leftAt: null });
      assert.equal((await segmentsOf(s.id)).length, 1);
    });

    test('a cancelled or completed session refuses joins', async () => {
      const cancelled = await makeSession(t, c.mentor, c.courseId);
      await t.request({ method: 'DELETE', url: `/api/live-sessions/${cancelled.id}`, token: c.mentor });
      const refused = await join(c.student, cancelled.id);
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.json().error.code, 'SESSION_CANCELLED');

      const completed = await makeSession(t, c.mentor, c.courseId);
      assert.equal((await setStatus(completed.id, 'live')).statusCode, 200);
      assert.equal((await setStatus(completed.id, 'completed')).statusCode, 200);
      const late = await join(c.student, completed.id);
      assert.equal(late.statusCode, 409);
      assert.equal(late.json().error.code, 'SESSION_COMPLETED');
      assert.equal((await segmentsOf(cancelled.id)).length + (await segmentsOf(completed.id)).length, 0);
    });

    test('completing a session closes every open segment and leaves closed ones alone', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      await join(c.mentor, s.id);
      const mentorLeft = (await leave(c.mentor, s.id)).json().leftAt;
      await join(c.student, s.id);
      await join(c.student2, s.id);
      await setStatus(s.id, 'live');
      assert.equal((await segmentsOf(s.id)).filter((r) => r.left_at === null).length, 2);
      const done = (await setStatus(s.id, 'completed')).json();
      const rows = await segmentsOf(s.id);
      assert.equal(rows.length, 3);
      const leftAt = Object.fromEntries(rows.map((r) => [r.user_id, r.left_at?.toISOString()]));
      assert.deepEqual(leftAt, {
        [`${c.courseId}-mentor`]: mentorLeft,
        [`${c.courseId}-s1`]: done.actualEnd,
        [`${c.courseId}-s2`]: done.actualEnd,
      });
    });

    test('a student of another course gets 404 on join and leaves no trace', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const res = await join(other.student, s.id);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().error.code, 'SESSION_NOT_FOUND');
      assert.equal((await segmentsOf(s.id)).length, 0);
    });

    test('who may read attendance: course mentor and admin yes; students 403; other mentors 404', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const codes = [];
      for (const token of [c.mentor, c.admin, c.student, c.mentorWithStudentToken, other.mentor]) {
        codes.push((await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/attendance`, token })).statusCode);
      }
      assert.deepEqual(codes, [200, 200, 403, 403, 404]);
      const denied = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/attendance`, token: c.student });
      assert.equal(denied.json().error.code, 'FORBIDDEN');
    });

    test('the report reconciles attendance against the roster', async () => {
      const r = await makeCourse(t, 'course-3');
      const id = (n: string) => `course-3-${n}`;
      const add = await t.request({
        method: 'PUT',
        url: '/api/courses/course-3/members',
        token: r.admin,
        body: { members: ['s3', 's4', 'guest'].map((n) => ({ userId: id(n), name: `Student ${n}`, role: 'student' })) },
      });
      assert.equal(add.statusCode, 200);
      const tokenOf = (n: string) => t.token({ sub: id(n), role: 'student', name: `Student ${n}` });
      const s = await makeSession(t, r.mentor, r.courseId);

      // s1 attended for about half an hour and left.
      await join(r.student, s.id);
      await t.db
        .updateTable('session_attendance')
        .set({ joined_at: new Date(Date.now() - 30 * 60_000) })
        .where('session_id', '=', s.id)
        .where('user_id', '=', id('s1'))
        .execute();
      await leave(r.student, s.id);
      // The mentor dropped in and out: listed as a mentor, counted neither as a roster student nor as a guest.
      await join(r.mentor, s.id);
      await leave(r.mentor, s.id);
      // s2 is still in the room; s3 never came.
      await join(r.student2, s.id);
      // s4 had two tabs open: 10:00–10:30 and 10:15–10:45 are 45 minutes, not 60.
      await t.db
        .insertInto('session_attendance')
        .values([
          { session_id: s.id, user_id: id('s4'), joined_at: '2026-01-05T10:00:00.000Z', left_at: '2026-01-05T10:30:00.000Z' },
          { session_id: s.id, user_id: id('s4'), joined_at: '2026-01-05T10:15:00.000Z', left_at: '2026-01-05T10:45:00.000Z' },
        ])
        .execute();
      // The guest attended, then was taken off the roster.
      const guest = await tokenOf('guest');
      assert.equal((await join(guest, s.id)).statusCode, 200);
      await leave(guest, s.id);
      const removed = await t.request({ method: 'DELETE', url: `/api/courses/course-3/members/${id('guest')}`, token: r.admin });
      assert.equal(removed.statusCode, 204);

      const res = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/attendance`, token: r.mentor });
      assert.equal(res.statusCode, 200);
      const report = res.json();
      assert.equal(report.sessionId, s.id);
      assert.equal(report.status, 'scheduled');
      assert.deepEqual(report.summary, { rosterStudents: 4, attended: 3, absent: 1, presentNow: 1, notOnRoster: 1 });
      const ids = (list: ReportRow[]) => list.map((row) => row.userId).sort();
      assert.deepEqual(ids(report.students), ['s1', 's2', 's3', 's4'].map(id).sort(), 'students: the roster students');
      assert.deepEqual(ids(report.others), ['guest', 'mentor'].map(id).sort(), 'others: everyone else who attended');
      const rows = new Map<string, ReportRow>([...report.students, ...report.others].map((row: ReportRow) => [row.userId, row]));
      assert.equal(rows.get(id('mentor'))!.rosterRole, 'mentor');
      assert.equal(rows.get(id('mentor'))!.status, 'present');

      const attended = rows.get(id('s1'))!;
      assert.equal(attended.status, 'present');
      assert.equal(attended.rosterRole, 'student');
      assert.equal(attended.presentNow, false);
      assert.ok(attended.firstJoin && attended.lastLeave);
      const spanMs = Date.parse(attended.lastLeave) - Date.parse(attended.firstJoin);
      assert.ok(spanMs >= 30 * 60_000 && spanMs < 31 * 60_000, `${spanMs}`);
      assert.equal(attended.minutesPresent, Math.round(spanMs / 600) / 100);

      const present = rows.get(id('s2'))!;
      assert.equal(present.status, 'present');
      assert.equal(present.presentNow, true);
      assert.equal(present.lastLeave, null);
      assert.ok(present.firstJoin);

      assert.deepEqual(rows.get(id('s3')), {
        userId: id('s3'),
        name: 'Student s3',
        email: null,
        rosterRole: 'student',
        status: 'absent',
        firstJoin: null,
        lastLeave: null,
        minutesPresent: 0,
        presentNow: false,
        segments: 0,
        breakoutRooms: [],
      });

      const tabs = rows.get(id('s4'))!;
      assert.equal(tabs.minutesPresent, 45);
      assert.equal(tabs.segments, 2);
      assert.equal(tabs.firstJoin, '2026-01-05T10:00:00.000Z');
      assert.equal(tabs.lastLeave, '2026-01-05T10:45:00.000Z');

      const guestRow = rows.get(id('guest'))!;
      assert.equal(guestRow.rosterRole, null);
      assert.equal(guestRow.status, 'present');
      assert.equal(guestRow.name, 'Student guest');
      assert.ok(guestRow.minutesPresent >= 0 && guestRow.lastLeave);
    });
  });
}
