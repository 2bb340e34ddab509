import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { type HeldClass, heldClass, MINUTE } from './reports.fixtures.ts';
import { sessionReport } from './reports.schemas.ts';

const S1 = 'course-1-s1';

for (const target of await dbTargets('meeting guests in the class report')) {
  describe(`meeting participants not on the roster, on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let held: HeldClass;
    let bare: HeldClass;
    const get = (url: string, token: string) => t.request({ method: 'GET', url, token });

    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
      held = await heldClass(t, c, new Date('2026-11-02T09:00:00Z'), { [S1]: [[0, 60]] });
      bare = await heldClass(t, c, new Date('2026-11-03T09:00:00Z'), { [S1]: [[0, 60]] });
      const minute = (m: number) => new Date(held.start.getTime() + m * MINUTE);
      // As the Meet sync stores them: Sam matched to the roster; an outside account twice; an anonymous dial-in.
      await t.db
        .insertInto('meeting_participant_segments')
        .values([
          {
            session_id: held.id,
            user_id: S1,
            participant: 'cr/1/participants/sam',
            display_name: 'Sam Student',
            email: null,
            joined_at: minute(0),
            left_at: minute(60),
          },
          {
            session_id: held.id,
            user_id: null,
            participant: 'cr/1/participants/pat',
            display_name: 'Pat Outside',
            email: 'pat@else.test',
            joined_at: minute(5),
            left_at: minute(20),
          },
          {
            session_id: held.id,
            user_id: null,
            participant: 'cr/1/participants/pat',
            display_name: 'Pat Outside',
            email: 'pat@else.test',
            joined_at: minute(30),
            left_at: minute(45),
          },
          {
            session_id: held.id,
            user_id: null,
            participant: 'cr/1/participants/phone',
            display_name: null,
            email: null,
            joined_at: minute(2),
            left_at: minute(12),
          },
        ])
        .execute();
    });
    after(() => t.close());

    test('the class report lists them with their minutes, first join and last leave; roster students are not among them', async () => {
      const res = await get(`/api/live-sessions/${held.id}/report`, c.mentor);
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json();
      assert.deepEqual(sessionReport.parse(report), report);
      assert.deepEqual(report.meetingGuests, [
        { displayName: null, email: null, minutes: 10, firstJoinedAt: '2026-11-02T09:02:00.000Z', lastLeftAt: '2026-11-02T09:12:00.000Z' },
        {
          displayName: 'Pat Outside',
          email: 'pat@else.test',
          minutes: 30,
          firstJoinedAt: '2026-11-02T09:05:00.000Z',
          lastLeftAt: '2026-11-02T09:45:00.000Z',
        },
      ]);
      assert.equal(report.students[0].meetingMinutes, 60);
    });

    test('a class without any is an empty list', async () => {
      assert.deepEqual((await get(`/api/live-sessions/${bare.id}/report`, c.mentor)).json().meetingGuests, []);
    });

    test('the guests CSV has one row per guest; a student’s own report never shows them', async () => {
      const csv = await get(`/api/live-sessions/${held.id}/report?format=csv&table=guests`, c.mentor);
      assert.equal(csv.statusCode, 200);
      assert.equal(
        csv.body,
        '\uFEFFdisplayName,email,minutes,firstJoinedAt,lastLeftAt,breakoutRoom\r\n' +
          ',,10,2026-11-02T09:02:00.000Z,2026-11-02T09:12:00.000Z,\r\n' +
          'Pat Outside,pat@else.test,30,2026-11-02T09:05:00.000Z,2026-11-02T09:45:00.000Z,\r\n',
      );
      const mine = await get(`/api/live-sessions/${held.id}/report/me`, c.student);
      assert.equal(mine.statusCode, 200);
      assert.equal('meetingGuests' in mine.json(), false);
      assert.doesNotMatch(mine.body, /Pat|pat@else/);
    });
  });
}
