import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { breakoutRound, type HeldClass, heldClass } from '../reports/reports.fixtures.ts';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { attendanceReport } from './attendance.schemas.ts';

const [SAM, SKY] = ['course-1-s1', 'course-1-s2'];

for (const target of await dbTargets('breakout rooms in the attendance report')) {
  describe(`breakout rooms in GET …/attendance, on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let held: HeldClass;
    let plain: HeldClass;
    type Row = ReturnType<typeof attendanceReport.parse>['students'][number];
    const rowsOf = async (sessionId: string) => {
      const res = await t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/attendance`, token: c.mentor });
      assert.equal(res.statusCode, 200, res.body);
      const report = attendanceReport.parse(res.json());
      return { report, row: (id: string) => report.students.find((s: Row) => s.userId === id) as Row };
    };

    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
      // Sam: class 0–40, Room 1 20–50 (class page left open meanwhile); Sky: only in Room 2, 20–50.
      held = await heldClass(t, c, new Date('2026-11-02T09:00:00Z'), { [SAM]: [[0, 40]] });
      await breakoutRound(t, held, 20, [
        { name: 'Room 1', members: [SAM], stays: { [SAM]: [[20, 50]] } },
        { name: 'Room 2', members: [SKY], stays: { [SKY]: [[20, 50]] } },
      ]);
      plain = await heldClass(t, c, new Date('2026-11-03T09:00:00Z'), { [SAM]: [[0, 60]] });
    });
    after(() => t.close());

    test("time in the class's rooms is time in the class, overlaps counted once, and each row names the rooms", async () => {
      const { report, row } = await rowsOf(held.id);
      assert.equal(row(SAM).minutesPresent, 50, 'not 70');
      assert.equal(row(SAM).segments, 2);
      assert.equal(row(SAM).lastLeave, '2026-11-02T09:50:00.000Z');
      assert.deepEqual(row(SAM).breakoutRooms, ['Room 1']);
      assert.equal(row(SKY).status, 'present');
      assert.equal(row(SKY).minutesPresent, 30);
      assert.equal(row(SKY).firstJoin, '2026-11-02T09:20:00.000Z');
      assert.deepEqual(row(SKY).breakoutRooms, ['Room 2']);
      assert.deepEqual(report.summary, { rosterStudents: 2, attended: 2, absent: 0, presentNow: 0, notOnRoster: 0 });
    });

    test('a class without breakouts is unchanged', async () => {
      const { row } = await rowsOf(plain.id);
      assert.equal(row(SAM).minutesPresent, 60);
      assert.equal(row(SAM).segments, 1);
      assert.deepEqual(row(SAM).breakoutRooms, []);
      assert.equal(row(SKY).status, 'absent');
    });
  });
}
