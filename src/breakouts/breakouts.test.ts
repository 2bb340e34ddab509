import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf } from '../chat/class.fixture.ts';
import { eventually } from '../test/eventually.ts';
import { dbTargets, makeSession } from '../test/harness.ts';
import { request } from '../test/sockets.ts';
import { type BreakoutFixture, errorCode, makeBreakoutFixture, type Round, roomOf } from './breakouts.fixture.ts';

const sizes = (round: Round) => round.rooms.map((r) => r.memberIds.length);

for (const target of await dbTargets('breakout rounds')) {
  describe(`breakout rounds: opening and assignment on ${target}`, () => {
    let f: BreakoutFixture;
    before(async () => (f = await makeBreakoutFixture(target)));
    after(() => f.close());

    /** A live class with these students present (joined over a socket). */
    const classWith = async (present: number) => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      for (const st of f.students.slice(0, present)) await f.joined(st.token, s.id);
      return { id: s.id, mentor };
    };

    test('random: the students present are spread evenly; rooms are live child sessions with Jitsi links', async () => {
      const cls = await classWith(5);
      const { round, seq } = await f.opened(cls.id, { rooms: 2, assignment: 'random', durationMinutes: 10 });
      assert.deepEqual(
        round.rooms.map((r) => r.name),
        ['Room 1', 'Room 2'],
      );
      assert.deepEqual(sizes(round).sort(), [2, 3], 'sizes differ by at most one');
      const placed = round.rooms.flatMap((r) => r.memberIds).sort();
      assert.deepEqual(
        placed,
        f.students
          .slice(0, 5)
          .map((s) => s.id)
          .sort(),
        'every present student, and only them',
      );
      assert.deepEqual(
        round.rooms.map((r) => r.meeting.status),
        ['ready', 'ready'],
      );
      assert.equal(round.status, 'open');
      assert.equal(round.sessionId, cls.id);
      const heard = await cls.mentor.heard.waitFor((e) => e.event === 'breakout:opened');
      assert.equal(heard.payload.seq, seq);
      assert.deepEqual(heard.payload.round, round);

      const room = await f.t.request({ method: 'GET', url: `/api/live-sessions/${round.rooms[0]?.sessionId}`, token: f.c.mentor });
      const dto = room.json();
      assert.equal(dto.parentSessionId, cls.id);
      assert.equal(dto.status, 'live');
      assert.equal(dto.title, 'Room 1 · Graph algorithms');
      assert.equal(dto.durationMinutes, 10);
      assert.match(dto.meeting.url, /^https:\/\/meet\.jit\.si\//);
      const ends = Date.parse(round.endsAt) - Date.now();
      assert.ok(ends > 9 * 60_000 && ends <= 10 * 60_000, `endsAt in 10 minutes (${ends} ms)`);
    });

    test('random with one room more than students: every room differs from the others by at most one', async () => {
      const cls = await classWith(3);
      const { round } = await f.opened(cls.id, { rooms: ['A', 'B', 'C', 'D'], assignment: 'random', durationMinutes: 5 });
      assert.deepEqual(
        round.rooms.map((r) => r.name),
        ['A', 'B', 'C', 'D'],
      );
      assert.deepEqual(sizes(round).sort(), [0, 1, 1, 1]);
    });

    test('a late joiner of a random round goes to the smallest room (ties: the first)', async () => {
      const cls = await classWith(3);
      const { round } = await f.opened(cls.id, { rooms: 2, assignment: 'random', durationMinutes: 5 });
      const small = round.rooms.find((r) => r.memberIds.length === 1);
      await f.joined(f.students[3]?.token as string, cls.id);
      const updated = await cls.mentor.heard.waitFor((e) => e.event === 'breakout:updated');
      assert.equal(roomOf(updated.payload.round, 'course-1-s4')?.id, small?.id);
      await f.joined(f.students[4]?.token as string, cls.id);
      const next = await cls.mentor.heard.waitFor((e) => e.event === 'breakout:updated' && !!roomOf(e.payload.round, 'course-1-s5'));
      assert.equal(roomOf(next.payload.round, 'course-1-s5')?.id, round.rooms[0]?.id, 'two and two: the first room');
      // A join over REST (POST …/join, the meeting link) places a late joiner too.
      const rest = await f.t.request({ method: 'POST', url: `/api/live-sessions/${cls.id}/join`, token: f.students[5]?.token });
      assert.equal(rest.statusCode, 200, rest.body);
      await cls.mentor.heard.waitFor((e) => e.event === 'breakout:updated' && !!roomOf(e.payload.round, 'course-1-s6'));
      // A placed student joining again stays where they are.
      await f.joined(f.students[3]?.token as string, cls.id);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(roomOf((await f.list(cls.id)).current as Round, 'course-1-s4')?.id, small?.id);
    });

    test('manual: the assignments place roster students; the others stay in the class, late joiners too', async () => {
      const cls = await classWith(3);
      const bad = await f.openRound(cls.id, { rooms: 2, assignment: 'manual', assignments: { 'course-1-s1': 2 }, durationMinutes: 5 });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'VALIDATION_FAILED');
      for (const stranger of ['course-2-s1', 'course-1-mentor']) {
        const res = await f.openRound(cls.id, { rooms: 2, assignment: 'manual', assignments: { [stranger]: 0 }, durationMinutes: 5 });
        assert.equal(errorCode(res), 'NOT_ON_ROSTER', stranger);
        assert.equal(res.statusCode, 400);
      }
      const { round } = await f.opened(cls.id, {
        rooms: 2,
        assignment: 'manual',
        assignments: { 'course-1-s1': 1, 'course-1-s2': 0, 'course-1-s6': 1 },
        durationMinutes: 5,
      });
      assert.deepEqual(
        round.rooms.map((r) => [...r.memberIds].sort()),
        [['course-1-s2'], ['course-1-s1', 'course-1-s6']],
      );
      await f.joined(f.students[4]?.token as string, cls.id);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(roomOf((await f.list(cls.id)).current as Round, 'course-1-s5'), undefined);
    });

    test('self-select: students choose a room up to its capacity, and may change it', async () => {
      const cls = await classWith(0);
      const { round } = await f.opened(cls.id, { rooms: 2, assignment: 'self-select', capacity: 1, durationMinutes: 5 });
      assert.deepEqual(sizes(round), [0, 0]);
      assert.equal(round.capacity, 1);
      const [a, b] = round.rooms;
      const [s1, s2] = f.students;
      const chose = await f.act(cls.id, round.id, 'choose', { roomId: a?.id }, s1?.token);
      assert.equal(chose.statusCode, 200, chose.body);
      assert.deepEqual(chose.json().round.rooms[0].memberIds, ['course-1-s1']);
      assert.equal(errorCode(await f.act(cls.id, round.id, 'choose', { roomId: a?.id }, s2?.token)), 'BREAKOUT_ROOM_FULL');
      assert.equal(errorCode(await f.act(cls.id, round.id, 'choose', { roomId: b?.id }, s2?.token)), 200);
      // Choosing one's own room again is no overflow; another full room is.
      assert.equal(errorCode(await f.act(cls.id, round.id, 'choose', { roomId: a?.id }, s1?.token)), 200);
      assert.equal(errorCode(await f.act(cls.id, round.id, 'choose', { roomId: b?.id }, s1?.token)), 'BREAKOUT_ROOM_FULL');
      assert.equal(errorCode(await f.act(cls.id, round.id, 'choose', { roomId: a?.id }, f.c.mentor)), 'FORBIDDEN');
      assert.equal(errorCode(await f.act(cls.id, round.id, 'choose', { roomId: cls.id }, s2?.token)), 'BREAKOUT_ROOM_NOT_FOUND');
      // A mentor may overfill a room; a student may not join it. Over the socket as over REST.
      assert.equal(errorCode(await f.act(cls.id, round.id, 'moves', { userId: 'course-1-s1', roomId: b?.id })), 200);
      const socket = await f.open(f.students[2]?.token as string);
      const full = await request(socket, 'breakout:choose', { sessionId: cls.id, roundId: round.id, roomId: b?.id });
      assert.equal(codeOf(full), 'BREAKOUT_ROOM_FULL');
      const ack = await request(socket, 'breakout:choose', { sessionId: cls.id, roundId: round.id, roomId: a?.id });
      assert.equal(codeOf(ack), 'ok');
      assert.deepEqual(ack.ok && ack.data.round.rooms.map((r: { memberIds: string[] }) => r.memberIds.length), [1, 2]);
    });

    test('choosing in a round that is not self-select is refused', async () => {
      const cls = await classWith(1);
      const { round } = await f.opened(cls.id, { rooms: 2, assignment: 'random', durationMinutes: 5 });
      const res = await f.act(cls.id, round.id, 'choose', { roomId: round.rooms[1]?.id }, f.c.student);
      assert.equal(errorCode(res), 'BREAKOUT_NOT_SELF_SELECT');
      assert.equal(res.statusCode, 409);
    });

    test("groups: each group fills its room, present or not; late joiners go to their group's room, else the smallest", async () => {
      const put = (groups: { name: string; memberIds: string[] }[], id?: string) =>
        f.t.request({
          method: 'PUT',
          url: '/api/courses/course-1/group-sets',
          token: f.c.mentor,
          body: { groupSets: [{ ...(id && { id }), name: 'Teams', groups }] },
        });
      const saved = await put([
        { name: 'Red', memberIds: ['course-1-s1', 'course-1-s2'] },
        { name: 'Blue', memberIds: ['course-1-s3'] },
      ]);
      assert.equal(saved.statusCode, 200, saved.body);
      const groupSetId = saved.json().groupSets[0].id as string;
      const cls = await classWith(1);

      assert.equal(errorCode(await f.openRound(cls.id, { rooms: 3, assignment: 'groups', durationMinutes: 5 })), 'VALIDATION_FAILED');
      const unknown = await f.openRound(cls.id, { rooms: 3, assignment: 'groups', groupSetId: cls.id, durationMinutes: 5 });
      assert.equal(errorCode(unknown), 'GROUP_SET_NOT_FOUND');
      assert.equal(unknown.statusCode, 404);
      const few = await f.openRound(cls.id, { rooms: 1, assignment: 'groups', groupSetId, durationMinutes: 5 });
      assert.equal(errorCode(few), 'VALIDATION_FAILED', 'fewer rooms than groups');
      const capacity = await f.openRound(cls.id, { rooms: 3, assignment: 'groups', groupSetId, capacity: 2, durationMinutes: 5 });
      assert.equal(errorCode(capacity), 'VALIDATION_FAILED', 'capacity is for self-select');

      const { round } = await f.opened(cls.id, { rooms: 3, assignment: 'groups', groupSetId, durationMinutes: 5 });
      assert.deepEqual(
        round.rooms.map((r) => [r.name, [...r.memberIds].sort()]),
        [
          ['Red', ['course-1-s1', 'course-1-s2']],
          ['Blue', ['course-1-s3']],
          ['Room 3', []],
        ],
      );
      // Added to Blue after the round opened: joins Blue. Not in a group: the smallest room.
      assert.equal(
        (
          await put(
            [
              { name: 'Red', memberIds: ['course-1-s1', 'course-1-s2'] },
              { name: 'Blue', memberIds: ['course-1-s3', 'course-1-s5'] },
            ],
            groupSetId,
          )
        ).statusCode,
        200,
      );
      await f.joined(f.students[4]?.token as string, cls.id);
      await f.joined(f.students[3]?.token as string, cls.id);
      const current = await eventually(async () => {
        const r = (await f.list(cls.id)).current as Round;
        return roomOf(r, 'course-1-s5') && roomOf(r, 'course-1-s4') ? r : undefined;
      }, 'both late joiners placed');
      assert.equal(roomOf(current, 'course-1-s5')?.name, 'Blue');
      assert.equal(roomOf(current, 'course-1-s4')?.name, 'Room 3');
    });

    test('who may open, and when: one round at a time, in a live class, never inside a room', async () => {
      const cls = await classWith(0);
      const body = { rooms: 2, assignment: 'self-select', durationMinutes: 5 };
      assert.equal(errorCode(await f.openRound(cls.id, body, f.c.student)), 'FORBIDDEN');
      assert.equal(errorCode(await f.openRound(cls.id, body, f.other.mentor)), 'SESSION_NOT_FOUND');
      const { round } = await f.opened(cls.id, body);
      const again = await f.openRound(cls.id, body);
      assert.equal(errorCode(again), 'BREAKOUT_ALREADY_OPEN');
      assert.equal(again.statusCode, 409);
      const inRoom = await f.openRound(round.rooms[0]?.sessionId as string, body);
      assert.equal(errorCode(inRoom), 'BREAKOUT_IN_ROOM');
      const scheduled = await makeSession(f.t, f.c.mentor, f.c.courseId);
      assert.equal(errorCode(await f.openRound(scheduled.id, body)), 'SESSION_NOT_LIVE');
      assert.equal(errorCode(await f.openRound(cls.id, { ...body, assignments: {} })), 'VALIDATION_FAILED');
      assert.equal(
        errorCode(await f.openRound(cls.id, { ...body, meetingUrls: ['https://a.example/1', 'https://a.example/2'] })),
        'VALIDATION_FAILED',
      );
      // The socket twin opens the same way, and acks the round with its seq.
      const other = await classWith(0);
      const socket = await f.open(f.c.mentor);
      const ack = await request(socket, 'breakout:open', {
        sessionId: other.id,
        rooms: ['One'],
        assignment: 'self-select',
        durationMinutes: 3,
      });
      assert.equal(codeOf(ack), 'ok', JSON.stringify(ack));
      assert.equal(ack.ok && ack.data.round.rooms[0].name, 'One');
      assert.equal(typeof (ack.ok && ack.data.seq), 'number');
    });
  });
}
