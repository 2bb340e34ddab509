import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { breakoutRound, type HeldClass, heldClass, MINUTE } from './reports.fixtures.ts';
import { sessionReport } from './reports.schemas.ts';

const [SAM, SKY, UMA] = ['s1', 's2', 's3'].map((s) => `course-1-${s}`) as [string, string, string];
type SyncStatus = 'none' | 'pending' | 'done' | 'failed';

for (const target of await dbTargets('breakout rooms and meeting data in the class report')) {
  describe(`breakout rooms' meetings in the class report, on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let mixed: HeldClass;
    let roomOnly: HeldClass;
    let mixedRooms: string[];
    const get = (url: string, token: string) => t.request({ method: 'GET', url, token });
    const at = (held: HeldClass, m: number) => new Date(held.start.getTime() + m * MINUTE);
    const iso = (held: HeldClass, m: number) => at(held, m).toISOString();
    type Row = ReturnType<typeof sessionReport.parse>['students'][number];
    const rowsOf = async (held: HeldClass) => {
      const res = await get(`/api/live-sessions/${held.id}/report`, c.mentor);
      assert.equal(res.statusCode, 200, res.body);
      const report = res.json();
      assert.deepEqual(sessionReport.parse(report), report);
      return { report, row: (id: string) => report.students.find((s: Row) => s.userId === id) as Row };
    };
    const meetingStay = (held: HeldClass, sessionId: string, userId: string | null, from: number, to: number) =>
      t.db
        .insertInto('meeting_participant_segments')
        .values({
          session_id: sessionId,
          user_id: userId,
          participant: `cr/${sessionId}/participants/${userId ?? 'guest'}`,
          display_name: userId ?? 'Guest',
          email: null,
          joined_at: at(held, from),
          left_at: at(held, to),
        })
        .execute();
    const sync = (sessionId: string, status: SyncStatus, error: string | null = null) =>
      t.db
        .updateTable('live_sessions')
        .set({ meeting_sync_status: status, meeting_sync_error: error, meeting_synced_at: status === 'done' ? new Date() : null })
        .where('id', '=', sessionId)
        .execute();
    const judgeOnMeeting = async (held: HeldClass) => {
      const body = { attendance: { source: 'meeting' } };
      const res = await t.request({ method: 'PUT', url: `/api/live-sessions/${held.id}`, token: c.mentor, body });
      assert.equal(res.statusCode, 200, res.body);
    };

    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
      const members = [{ userId: UMA, name: 'Uma Student', role: 'student' }];
      assert.equal(
        (await t.request({ method: 'PUT', url: '/api/courses/course-1/members', token: c.admin, body: { members } })).statusCode,
        200,
      );

      // Judged on the meeting. The class's own meeting synced (Sam 0–20 and 40–60, Uma all along); at minute 20 Sam
      // went to Room 1, whose meeting synced too (Sam 20–40), and Sky to Room 2, whose sync failed (its page: 20–50).
      mixed = await heldClass(t, c, new Date('2026-11-02T09:00:00Z'), {
        [SAM]: [
          [0, 20],
          [40, 60],
        ],
        [UMA]: [[0, 60]],
      });
      mixedRooms = await breakoutRound(t, mixed, 20, [
        { name: 'Room 1', members: [SAM], stays: { [SAM]: [[20, 40]] } },
        { name: 'Room 2', members: [SKY], stays: { [SKY]: [[20, 50]] } },
      ]);
      const [room1, room2] = mixedRooms as [string, string];
      await meetingStay(mixed, mixed.id, SAM, 0, 20);
      await meetingStay(mixed, mixed.id, SAM, 40, 60);
      await meetingStay(mixed, mixed.id, UMA, 0, 60);
      await meetingStay(mixed, room1, SAM, 20, 40);
      await meetingStay(mixed, room1, null, 25, 35);
      await sync(mixed.id, 'done');
      await sync(room1, 'done');
      await sync(room2, 'failed', 'quota exceeded');
      await judgeOnMeeting(mixed);
      // Sam opened Room 1's link (minute 20) before the class's (25); Sky opened only Room 2's (21).
      for (const [sessionId, userId, minute] of [
        [mixed.id, SAM, 25],
        [room1, SAM, 20],
        [room2, SKY, 21],
      ] as const) {
        const openedAt = at(mixed, minute);
        await t.db
          .insertInto('meeting_opens')
          .values({ session_id: sessionId, user_id: userId, first_opened_at: openedAt, last_opened_at: openedAt })
          .execute();
      }

      // The class's own sync is still pending; only Room 1's meeting has data (Sam 20–40). Sam's page: 0–40.
      roomOnly = await heldClass(t, c, new Date('2026-11-03T09:00:00Z'), { [SAM]: [[0, 20]], [UMA]: [[0, 60]] });
      const [only] = (await breakoutRound(t, roomOnly, 20, [{ name: 'Room 1', members: [SAM], stays: { [SAM]: [[20, 40]] } }])) as [string];
      await meetingStay(roomOnly, only, SAM, 20, 40);
      await sync(roomOnly.id, 'pending');
      await sync(only, 'done');
      await judgeOnMeeting(roomOnly);
    });
    after(() => t.close());

    test("a room whose meeting synced adds its meeting stays to the class's meeting time", async () => {
      const { row } = await rowsOf(mixed);
      const sam = row(SAM);
      assert.equal(sam.meetingMinutes, 60);
      assert.equal(sam.status, 'present');
      assert.deepEqual(sam.meetingSegments, [
        { joinedAt: iso(mixed, 0), leftAt: iso(mixed, 20) },
        { joinedAt: iso(mixed, 20), leftAt: iso(mixed, 40), breakoutRoom: 'Room 1' },
        { joinedAt: iso(mixed, 40), leftAt: iso(mixed, 60) },
      ]);
    });

    test("a room whose sync failed counts its page time as meeting time, so the student's room time is not lost", async () => {
      const { row } = await rowsOf(mixed);
      const sky = row(SKY);
      assert.equal(sky.meetingMinutes, 30, 'Room 2 page, 20–50');
      assert.equal(sky.percentOfClass, 50);
      assert.equal(sky.status, 'partial', 'not absent');
      assert.deepEqual(sky.meetingSegments, [], 'page time is not listed as meeting segments');
      assert.deepEqual(sky.segments, [{ joinedAt: iso(mixed, 20), leftAt: iso(mixed, 50), breakoutRoom: 'Room 2' }]);
      assert.equal(row(UMA).meetingMinutes, 60);
    });

    test("opening a breakout room's meeting link is joining the meeting: the earliest open of class or room wins", async () => {
      const { row } = await rowsOf(mixed);
      assert.deepEqual([row(SAM).joinedMeeting, row(SAM).joinedMeetingAt], [true, iso(mixed, 20)]);
      assert.deepEqual([row(SKY).joinedMeeting, row(SKY).joinedMeetingAt], [true, iso(mixed, 21)], 'only their room');
      assert.deepEqual([row(UMA).joinedMeeting, row(UMA).joinedMeetingAt], [false, null]);
    });

    test("a guest of a room's meeting is among the class's meeting guests, named with the room", async () => {
      const { report } = await rowsOf(mixed);
      assert.deepEqual(report.meetingGuests, [
        {
          displayName: 'Guest',
          email: null,
          minutes: 10,
          firstJoinedAt: iso(mixed, 25),
          lastLeftAt: iso(mixed, 35),
          breakoutRoom: 'Room 1',
        },
      ]);
      const csv = await get(`/api/live-sessions/${mixed.id}/report?format=csv&table=guests`, c.mentor);
      assert.equal(csv.body.split('\r\n')[1], `Guest,,10,${iso(mixed, 25)},${iso(mixed, 35)},Room 1`);
    });

    test("summary.meetingSync shows the worst of the class's and its rooms' syncs, naming the room", async () => {
      const { report } = await rowsOf(mixed);
      assert.deepEqual(report.summary.meetingSync, { status: 'failed', syncedAt: null, error: 'Room 2: quota exceeded' });
      const pending = (await rowsOf(roomOnly)).report.summary.meetingSync;
      assert.equal(pending.status, 'pending', "the class's pending sync over its room's done one");
    });

    test("only a room's meeting has data: the class has no meeting data, and students are judged on page time", async () => {
      const { row } = await rowsOf(roomOnly);
      const sam = row(SAM);
      assert.equal(sam.meetingMinutes, null);
      assert.deepEqual(sam.meetingSegments, []);
      assert.equal(sam.minutes, 40);
      assert.equal(sam.percentOfClass, 66.7, 'page time in class and room, not 20 minutes of room meeting');
      assert.equal(sam.status, 'partial');
      assert.equal(row(UMA).status, 'present', 'not absent for want of a room meeting');
    });

    test("a student's own report gives them the very row the class report does, with meeting data", async () => {
      for (const held of [mixed, roomOnly]) {
        const { row } = await rowsOf(held);
        for (const [token, id] of [
          [c.student, SAM],
          [c.student2, SKY],
        ] as const) {
          const me = await get(`/api/live-sessions/${held.id}/report/me`, token);
          assert.equal(me.statusCode, 200, me.body);
          assert.deepEqual(me.json().row, row(id));
        }
      }
    });
  });
}
