import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { breakoutRound, type HeldClass, heldClass, MINUTE } from './reports.fixtures.ts';
import { sessionReport } from './reports.schemas.ts';

const [SAM, SKY, UMA, VIC, WES] = ['s1', 's2', 's3', 's4', 's5'].map((s) => `course-1-${s}`) as [string, string, string, string, string];

for (const target of await dbTargets('breakout rooms in the class report')) {
  describe(`breakout rooms in the class report, on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let held: HeldClass;
    let plain: HeldClass;
    let rooms: string[];
    const get = (url: string, token: string) => t.request({ method: 'GET', url, token });
    const at = (m: number) => new Date(held.start.getTime() + m * MINUTE).toISOString();
    type Row = ReturnType<typeof sessionReport.parse>['students'][number];
    const rowsOf = async (sessionId: string) => {
      const res = await get(`/api/live-sessions/${sessionId}/report`, c.mentor);
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json();
      // Written without a check on the way out (reports.routes.ts): the body must be exactly the contract.
      assert.deepEqual(sessionReport.parse(report), report);
      return { report, row: (id: string) => report.students.find((s: Row) => s.userId === id) as Row };
    };

    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
      const members = [
        ['s3', 'Uma Student'],
        ['s4', 'Vic Student'],
        ['s5', 'Wes Student'],
      ].map(([s, name]) => ({ userId: `course-1-${s}`, name, role: 'student' }));
      const put = await t.request({ method: 'PUT', url: '/api/courses/course-1/members', token: c.admin, body: { members } });
      assert.equal(put.statusCode, 200, put.body);
      // A 60-minute class; in the class page itself: Sam 0–20 and 40–60 (in Room 1 between), Sky never, Uma all
      // along (her class page stayed open while she was in Room 1), Vic 0–30, Wes 0–10.
      held = await heldClass(t, c, new Date('2026-11-02T09:00:00Z'), {
        [SAM]: [
          [0, 20],
          [40, 60],
        ],
        [UMA]: [[0, 60]],
        [VIC]: [[0, 30]],
        [WES]: [[0, 10]],
      });
      // The second round is written first: the report orders rounds by when they opened, not by insertion.
      await breakoutRound(t, held, 50, [{ name: 'Recap', members: [SAM, WES], stays: { [WES]: [[50, 75]] } }]);
      rooms = await breakoutRound(t, held, 20, [
        {
          name: 'Room 1',
          members: [SAM, UMA],
          stays: { [SAM]: [[20, 40]], [UMA]: [[20, 40]], [VIC]: [[20, 25]] },
        },
        // Vic was moved from Room 1 to Room 2 at minute 25: his membership is Room 2, his time in both counts.
        { name: 'Room 2', members: [SKY, VIC], stays: { [SKY]: [[20, 50]], [VIC]: [[25, 45]] } },
      ]);
      plain = await heldClass(t, c, new Date('2026-11-03T09:00:00Z'), { [SAM]: [[0, 60]], [SKY]: [[0, 30]] });
    });
    after(() => t.close());

    test('time in a room counts as time in class: a student who spent 20 of 60 minutes in a room is present', async () => {
      const { row } = await rowsOf(held.id);
      const sam = row(SAM);
      assert.equal(sam.minutes, 60);
      assert.equal(sam.percentOfClass, 100);
      assert.equal(sam.status, 'present');
      assert.equal(sam.firstJoin, at(0));
      assert.equal(sam.lastLeave, at(60));
      assert.deepEqual(sam.segments, [
        { joinedAt: at(0), leftAt: at(20) },
        { joinedAt: at(20), leftAt: at(40), breakoutRoom: 'Room 1' },
        { joinedAt: at(40), leftAt: at(60) },
      ]);
      // Assigned to Recap in the second round without ever joining it: it is still their room of that round.
      assert.deepEqual(sam.breakoutRooms, ['Room 1', 'Recap']);
    });

    test('a student with time only in a room is counted for it, from their first join there', async () => {
      const sky = (await rowsOf(held.id)).row(SKY);
      assert.equal(sky.minutes, 30);
      assert.equal(sky.percentOfClass, 50);
      assert.equal(sky.status, 'partial');
      assert.equal(sky.firstJoin, at(20));
      assert.deepEqual(sky.breakoutRooms, ['Room 2']);
    });

    test('class and room at once count once; a move counts both rooms and shows the last; a room stay is clipped to the class', async () => {
      const { report, row } = await rowsOf(held.id);
      const uma = row(UMA);
      assert.equal(uma.minutes, 60, 'not 80');
      assert.equal(uma.percentOfClass, 100);
      assert.equal(uma.segments.length, 2);
      const vic = row(VIC);
      assert.equal(vic.minutes, 45);
      assert.equal(vic.percentOfClass, 75);
      assert.equal(vic.status, 'present');
      assert.deepEqual(vic.breakoutRooms, ['Room 2']);
      const wes = row(WES);
      // 0–10 in class, 50–75 in Recap cut at the class's end: 20 minutes.
      assert.equal(wes.minutes, 20);
      assert.equal(wes.status, 'partial');
      assert.equal(wes.lastLeave, at(75), 'the stay as stored, as for the class page');
      assert.deepEqual(report.summary.counts, { present: 3, late: 0, partial: 2, absent: 0 });
      assert.equal(report.summary.peakConcurrent, 4);
      assert.equal(report.summary.medianMinutes, 45);
    });

    test('the students CSV has breakoutRooms joined with "; "; the segments CSV names the room of each stay', async () => {
      const csv = await get(`/api/live-sessions/${held.id}/report?format=csv&table=students`, c.mentor);
      assert.equal(csv.statusCode, 200);
      const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
      assert.match(lines[0] as string, /,quizPoints,breakoutRooms$/);
      const line = (id: string) => lines.find((l) => l.startsWith(`${id},`)) as string;
      assert.match(line(SAM), /,Room 1; Recap$/);
      assert.match(line(SAM), /,present,/);
      assert.match(line(SKY), /,Room 2$/);
      const segments = (await get(`/api/live-sessions/${held.id}/report?format=csv&table=segments`, c.mentor)).body.split('\r\n');
      assert.match(segments[0] as string, /,minutes,breakoutRoom$/);
      assert.ok(segments.includes(`${SAM},Sam Student,,room,${at(20)},${at(40)},20,Room 1`), segments.join('\n'));
      assert.ok(segments.includes(`${SAM},Sam Student,,room,${at(0)},${at(20)},20,`));
    });

    test("a student's own report gives them the very row the class report does", async () => {
      const { row } = await rowsOf(held.id);
      for (const [token, id] of [
        [c.student, SAM],
        [c.student2, SKY],
      ] as const) {
        const me = await get(`/api/live-sessions/${held.id}/report/me`, token);
        assert.equal(me.statusCode, 200, me.body);
        assert.deepEqual(me.json().row, row(id));
      }
    });

    test('a class without breakouts is unchanged: no rooms, no breakoutRoom on its stays, an empty CSV cell', async () => {
      const { row } = await rowsOf(plain.id);
      assert.equal(row(SAM).minutes, 60);
      assert.deepEqual(row(SAM).segments, [{ joinedAt: '2026-11-03T09:00:00.000Z', leftAt: '2026-11-03T10:00:00.000Z' }]);
      assert.equal(row(SKY).minutes, 30);
      assert.equal(row(SKY).status, 'partial');
      for (const id of [SAM, SKY, UMA]) assert.deepEqual(row(id).breakoutRooms, []);
      const csv = (await get(`/api/live-sessions/${plain.id}/report?format=csv`, c.mentor)).body.split('\r\n');
      assert.match(csv.find((l) => l.startsWith(`${SAM},`)) as string, /,present,.*,$/);
    });

    test("a room's own report is a plain session report of that room", async () => {
      const { report, row } = await rowsOf(rooms[0] as string);
      assert.equal(report.summary.classMinutes, 20);
      assert.equal(row(SAM).minutes, 20);
      assert.equal(row(VIC).minutes, 5);
      assert.deepEqual(row(SAM).breakoutRooms, []);
    });

    test('the course report counts each class once (its rooms are not classes) with the room time in it', async () => {
      const res = await get(`/api/courses/${c.courseId}/report`, c.mentor);
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json();
      assert.deepEqual(
        report.classes.map((k: { sessionId: string }) => k.sessionId),
        [held.id, plain.id],
      );
      const sky = report.students.find((s: { userId: string }) => s.userId === SKY);
      assert.equal(sky.classesHeld, 2);
      assert.equal(sky.minutes, 60);
      const sam = report.students.find((s: { userId: string }) => s.userId === SAM);
      assert.equal(sam.classesAttended, 2);
      assert.equal(sam.minutes, 120);
    });
  });
}
