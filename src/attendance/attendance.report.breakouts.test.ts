import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { breakoutRound, type HeldClass, heldClass, liveClass } from '../reports/reports.fixtures.ts';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { attendanceReport } from './attendance.schemas.ts';

const [SAM, SKY] = ['course-1-s1', 'course-1-s2'];

for (const target of await dbTargets('breakout rooms in the attendance report')) {
  describe(`breakout rooms in GET …/attendance, on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let held: HeldClass;
    let plain: HeldClass;
    let leftOpen: HeldClass;
    let live: HeldClass;
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
      // Sam's stay in Room 1 was never closed although the class ended at minute 60.
      leftOpen = await heldClass(t, c, new Date('2026-11-04T09:00:00Z'), { [SAM]: [[0, 20]] });
      await breakoutRound(t, leftOpen, 20, [{ name: 'Room 1', members: [SAM], stays: { [SAM]: [[20, null]] } }]);
      // A class live for 30 minutes, its round still open: Sky has been in Room 2 since minute 10.
      live = await liveClass(t, c, 30);
      await breakoutRound(t, live, 10, [{ name: 'Room 2', members: [SKY], stays: { [SKY]: [[10, null]] } }], { open: true });
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

    test('a room stay still open while the class is live counts up to now, and the student is present now', async () => {
      const { report, row } = await rowsOf(live.id);
      assert.equal(row(SKY).presentNow, true);
      assert.equal(row(SKY).lastLeave, null);
      assert.ok(Math.abs(row(SKY).minutesPresent - 20) < 0.5, `about 20 minutes, got ${row(SKY).minutesPresent}`);
      assert.deepEqual(row(SKY).breakoutRooms, ['Room 2']);
      assert.equal(report.summary.presentNow, 1);
    });

    test("a room stay left open after the class ended counts up to the class's end, not to now", async () => {
      const { report, row } = await rowsOf(leftOpen.id);
      assert.equal(row(SAM).minutesPresent, 60, 'minutes 0–20 in class, 20–60 in Room 1');
      assert.equal(row(SAM).presentNow, false);
      assert.equal(row(SAM).lastLeave, null, 'as stored');
      assert.equal(report.summary.presentNow, 0);
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
