import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { attendanceReport } from '../attendance/attendance.schemas.ts';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { breakoutRound, type HeldClass, heldClass, liveClass, MINUTE } from './reports.fixtures.ts';
import { sessionReport } from './reports.schemas.ts';

const [SAM, SKY, UMA] = ['s1', 's2', 's3'].map((s) => `course-1-${s}`) as [string, string, string];

for (const target of await dbTargets('breakout rooms: open stays, several classes, roster changes')) {
  describe(`breakout rooms in reports: open stays, several classes, roster changes, on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let first: HeldClass;
    let second: HeldClass;
    let live: HeldClass;
    const get = (url: string, token: string) => t.request({ method: 'GET', url, token });
    const iso = (held: HeldClass, m: number) => new Date(held.start.getTime() + m * MINUTE).toISOString();
    type Row = ReturnType<typeof sessionReport.parse>['students'][number];
    const rowsOf = async (held: HeldClass) => {
      const res = await get(`/api/live-sessions/${held.id}/report`, c.mentor);
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json();
      assert.deepEqual(sessionReport.parse(report), report);
      return { report, row: (id: string) => report.students.find((s: Row) => s.userId === id) as Row | undefined };
    };
    const courseStudent = async (id: string) => {
      const res = await get(`/api/courses/${c.courseId}/report`, c.mentor);
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json();
      return { report, student: report.students.find((s: { userId: string }) => s.userId === id) };
    };

    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
      const members = [{ userId: UMA, name: 'Uma Student', role: 'student' }];
      assert.equal(
        (await t.request({ method: 'PUT', url: '/api/courses/course-1/members', token: c.admin, body: { members } })).statusCode,
        200,
      );
      // Two classes of the course, each with a round of rooms. First: Sam in class all along; Uma and Sky only in
      // rooms, 20–50. Second: Sam 0–20 in class, then in Lab 1 with the stay never closed; Sky 0–30 in class, 25–45 in Lab 2.
      first = await heldClass(t, c, new Date('2026-11-02T09:00:00Z'), { [SAM]: [[0, 60]] });
      await breakoutRound(t, first, 20, [
        { name: 'Room 1', members: [UMA], stays: { [UMA]: [[20, 50]] } },
        { name: 'Room 2', members: [SKY], stays: { [SKY]: [[20, 50]] } },
      ]);
      second = await heldClass(t, c, new Date('2026-11-03T09:00:00Z'), { [SAM]: [[0, 20]], [SKY]: [[0, 30]] });
      await breakoutRound(t, second, 20, [
        { name: 'Lab 1', members: [SAM], stays: { [SAM]: [[20, null]] } },
        { name: 'Lab 2', members: [SKY], stays: { [SKY]: [[25, 45]] } },
      ]);
      // Live for 30 minutes with its round open: Sky has been in Room 2 since minute 10.
      live = await liveClass(t, c, 30);
      await breakoutRound(t, live, 10, [{ name: 'Room 2', members: [SKY], stays: { [SKY]: [[10, null]] } }], { open: true });
    });
    after(() => t.close());

    test('a room stay still open while the class is live counts up to now, with no last leave', async () => {
      const sky = (await rowsOf(live)).row(SKY) as Row;
      assert.equal(sky.lastLeave, null);
      assert.equal(sky.firstJoin, iso(live, 10));
      assert.ok(Math.abs(sky.minutes - 20) <= 0.5, `about 20 minutes, got ${sky.minutes}`);
      assert.deepEqual(sky.segments, [{ joinedAt: iso(live, 10), leftAt: null, breakoutRoom: 'Room 2' }]);
      assert.deepEqual(sky.breakoutRooms, ['Room 2']);
    });

    test("a room stay left open after the class ended counts up to the class's end", async () => {
      const sam = (await rowsOf(second)).row(SAM) as Row;
      assert.equal(sam.minutes, 60, '0–20 in class, 20–60 in Lab 1, nothing after the end');
      assert.equal(sam.percentOfClass, 100);
      assert.equal(sam.lastLeave, null, 'as stored');
      assert.deepEqual(sam.segments.at(-1), { joinedAt: iso(second, 20), leftAt: null, breakoutRoom: 'Lab 1' });
    });

    test("two classes of a course with rooms: each class counts its own rooms' time, and the rooms are not classes", async () => {
      const { report, student } = await courseStudent(SKY);
      assert.deepEqual(
        report.classes.map((k: { sessionId: string }) => k.sessionId),
        [first.id, second.id],
      );
      assert.equal(student.classesHeld, 2);
      assert.equal(student.minutes, 75, 'Room 2: 30 in the first; class and Lab 2, 0–45, in the second');
      assert.equal(student.classesAttended, 1, 'partial in the first, present in the second');
      assert.equal((await courseStudent(SAM)).student.minutes, 120);
      assert.equal((await courseStudent(UMA)).student.minutes, 30);
      assert.deepEqual((await rowsOf(first)).row(SKY)?.breakoutRooms, ['Room 2']);
      assert.deepEqual((await rowsOf(second)).row(SKY)?.breakoutRooms, ['Lab 2']);
    });

    test('a student removed from the roster who had room time: no row in the reports, listed apart in GET …/attendance', async () => {
      const removed = await t.request({ method: 'DELETE', url: `/api/courses/course-1/members/${UMA}`, token: c.admin });
      assert.ok(removed.statusCode < 300, removed.body);
      const { report, row } = await rowsOf(first);
      assert.equal(row(UMA), undefined);
      assert.equal(report.summary.rosterStudents, 2);
      assert.equal(report.summary.peakConcurrent, 2, 'Sam and Sky; not Uma');
      assert.equal((await courseStudent(UMA)).student, undefined);
      const res = await get(`/api/live-sessions/${first.id}/attendance`, c.mentor);
      assert.equal(res.statusCode, 200, res.body);
      const simple = attendanceReport.parse(res.json());
      const uma = simple.others.find((o) => o.userId === UMA);
      assert.deepEqual([uma?.rosterRole, uma?.minutesPresent, uma?.breakoutRooms], [null, 30, ['Room 1']]);
      assert.equal(simple.summary.notOnRoster, 1);
      assert.equal(simple.students.length, 2);
    });
  });
}
