import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket } from 'socket.io-client';
import { auditRows, type Course, dbTargets, makeCourse, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { listen, recorder, request, socketPool } from '../test/sockets.ts';

type Heard = ReturnType<typeof recorder>;
interface SessionSeen {
  id: string;
  title: string;
  status: string;
  meeting: { url: string | null };
}

/** The course:session events a socket heard about one session, in order. */
const about = (heard: Heard, sessionId: string): SessionSeen[] =>
  heard.received.filter((e) => e.event === 'course:session' && e.payload.session.id === sessionId).map((e) => e.payload.session);

/** Waits for the course:session event about this session that matches `check`. */
const hears = (heard: Heard, sessionId: string, check: (s: SessionSeen) => boolean) =>
  heard.waitFor((e) => e.event === 'course:session' && e.payload.session.id === sessionId && check(e.payload.session));

for (const target of await dbTargets('course room')) {
  describe(`the course room (live schedule) on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    let base: string;
    const pool = socketPool(() => base);

    /** A socket that has joined a course room and records what it hears. */
    async function following(token: string, courseId: string): Promise<{ s: Socket; heard: Heard }> {
      const s = await pool.open(token);
      const heard = recorder(s);
      const joined = await request(s, 'course:join', { courseId });
      assert.deepEqual(joined, { ok: true, data: { courseId } });
      return { s, heard };
    }

    before(async () => {
      ({ t, c, other } = await makeTwoCourseApp(target));
      base = await listen(t);
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });

    test('a non-member cannot follow a course: FORBIDDEN, audited, and nothing of it reaches them', async () => {
      const outsider = await pool.open(other.student);
      const heard = recorder(outsider);
      const refused = await request(outsider, 'course:join', { courseId: c.courseId });
      assert.equal(refused.ok ? null : refused.error.code, 'FORBIDDEN');
      const denied = await auditRows(t.db, { action: 'session.list', outcome: 'denied', actorId: `${other.courseId}-s1` });
      assert.equal(denied.at(-1)?.target_id, c.courseId);
      const bad = await request(outsider, 'course:join', { courseId: 'no spaces allowed' });
      assert.equal(bad.ok ? null : bad.error.code, 'VALIDATION_FAILED');
      const s = await makeSession(t, c.mentor, c.courseId, { title: 'Secret' });
      const follower = await following(c.student, c.courseId);
      await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { title: 'Still secret' } });
      await hears(follower.heard, s.id, (x) => x.title === 'Still secret');
      assert.equal(heard.received.filter((e) => e.event === 'course:session').length, 0);
    });

    test('members hear every create, edit, start, end and cancel, shaped as REST shows it to them', async () => {
      const student = await following(c.student, c.courseId);
      const mentor = await following(c.mentor, c.courseId);
      const admin = await following(c.admin, c.courseId);
      const otherCourse = await following(other.student, other.courseId);

      const s = await makeSession(t, c.mentor, c.courseId, { title: 'Created' });
      const created = await hears(student.heard, s.id, (x) => x.status === 'scheduled');
      assert.equal(created.payload.session.title, 'Created');
      // The meeting link is for managers in listings; students get theirs from POST …/join.
      assert.equal(created.payload.session.meeting.url, null);
      assert.equal((await hears(mentor.heard, s.id, () => true)).payload.session.meeting.url, s.meeting.url);
      assert.equal((await hears(admin.heard, s.id, () => true)).payload.session.meeting.url, s.meeting.url);

      const edited = await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { title: 'Edited' } });
      assert.equal(edited.statusCode, 200);
      await hears(student.heard, s.id, (x) => x.title === 'Edited');
      const started = await request(mentor.s, 'session:status', { sessionId: s.id, status: 'live' });
      assert.equal(started.ok, true);
      await hears(student.heard, s.id, (x) => x.status === 'live');
      const ended = await request(mentor.s, 'session:status', { sessionId: s.id, status: 'completed' });
      assert.equal(ended.ok, true);
      await hears(student.heard, s.id, (x) => x.status === 'completed');
      await hears(mentor.heard, s.id, (x) => x.status === 'completed' && x.meeting.url === s.meeting.url);

      const s2 = await makeSession(t, c.mentor, c.courseId, { title: 'Called off' });
      const cancelled = await t.request({ method: 'DELETE', url: `/api/live-sessions/${s2.id}`, token: c.mentor });
      assert.equal(cancelled.statusCode, 200);
      await hears(student.heard, s2.id, (x) => x.status === 'cancelled');

      assert.deepEqual(
        about(student.heard, s.id).map((x) => [x.title, x.status]),
        [
          ['Created', 'scheduled'],
          ['Edited', 'scheduled'],
          ['Edited', 'live'],
          ['Edited', 'completed'],
        ],
        'once per change, in order',
      );
      assert.ok(about(student.heard, s.id).every((x) => x.meeting.url === null));
      assert.equal(otherCourse.heard.received.filter((e) => e.event === 'course:session').length, 0, 'another course hears nothing');
    });

    test('course:leave stops the updates', async () => {
      const student = await following(c.student2, c.courseId);
      const left = await request(student.s, 'course:leave', { courseId: c.courseId });
      assert.deepEqual(left, { ok: true, data: { courseId: c.courseId } });
      const witness = await following(c.student, c.courseId);
      const s = await makeSession(t, c.mentor, c.courseId);
      await hears(witness.heard, s.id, () => true);
      assert.deepEqual(about(student.heard, s.id), []);
    });

    test('a member removed from the roster stops hearing the course', async () => {
      const c3 = await makeCourse(t, 'course-3');
      const removed = await following(c3.student2, c3.courseId);
      const witness = await following(c3.student, c3.courseId);
      const gone = await t.request({ method: 'DELETE', url: `/api/courses/${c3.courseId}/members/${c3.courseId}-s2`, token: c3.admin });
      assert.equal(gone.statusCode, 204);
      const s = await makeSession(t, c3.mentor, c3.courseId);
      await hears(witness.heard, s.id, () => true);
      assert.deepEqual(about(removed.heard, s.id), []);
      const again = await request(removed.s, 'course:join', { courseId: c3.courseId });
      assert.equal(again.ok ? null : again.error.code, 'FORBIDDEN');
    });

    test('a mentor demoted on the roster hears sessions as a student from then on (no meeting link)', async () => {
      const c4 = await makeCourse(t, 'course-4');
      const mentor = await following(c4.mentor, c4.courseId);
      const s = await makeSession(t, c4.mentor, c4.courseId);
      assert.ok((await hears(mentor.heard, s.id, () => true)).payload.session.meeting.url);
      const demoted = await t.request({
        method: 'PUT',
        url: `/api/courses/${c4.courseId}/members`,
        token: c4.admin,
        body: { members: [{ userId: `${c4.courseId}-mentor`, role: 'student' }] },
      });
      assert.equal(demoted.statusCode, 200);
      // The move follows the roster commit on its own; the client does nothing.
      await sleep(200);
      const edited = await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c4.admin, body: { title: 'After' } });
      assert.equal(edited.statusCode, 200);
      const seen = await hears(mentor.heard, s.id, (x) => x.title === 'After');
      assert.equal(seen.payload.session.meeting.url, null);
      assert.equal(about(mentor.heard, s.id).length, 2, 'heard once, in one shape');
    });
  });
}
