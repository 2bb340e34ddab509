import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf } from '../chat/class.fixture.ts';
import { dbTargets } from '../test/harness.ts';
import { request } from '../test/sockets.ts';
import { type BreakoutFixture, errorCode, makeBreakoutFixture, type Round, roomOf } from './breakouts.fixture.ts';

for (const target of await dbTargets('breakout live control')) {
  describe(`breakout rounds: live control on ${target}`, () => {
    let f: BreakoutFixture;
    before(async () => (f = await makeBreakoutFixture(target)));
    after(() => f.close());

    /** A live class and a manual round: s1 and s2 in Room 1, s3 in Room 2. */
    const running = async (extra: Record<string, unknown> = {}) => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const assignments = { 'course-1-s1': 0, 'course-1-s2': 0, 'course-1-s3': 1 };
      const { round } = await f.opened(s.id, { rooms: 2, assignment: 'manual', assignments, durationMinutes: 30, ...extra });
      return { id: s.id, mentor, round, a: round.rooms[0] as Round['rooms'][0], b: round.rooms[1] as Round['rooms'][0] };
    };

    test("a move: the student's old room drops them at once (session:removed, attendance closed), the new one takes them", async () => {
      const { id, mentor, round, a, b } = await running();
      const sam = await f.joined(f.c.student, a.sessionId);
      const moved = await f.act(id, round.id, 'moves', { userId: 'course-1-s1', roomId: b.id });
      assert.equal(moved.statusCode, 200, moved.body);
      const body = moved.json() as { round: Round; seq: number };
      assert.equal(roomOf(body.round, 'course-1-s1')?.id, b.id);
      assert.deepEqual(body.round.rooms[0]?.memberIds, ['course-1-s2']);
      const heard = await mentor.heard.waitFor((e) => e.event === 'breakout:updated');
      assert.equal(heard.payload.seq, body.seq);
      const removed = await sam.heard.waitFor((e) => e.event === 'session:removed');
      assert.deepEqual(removed.payload, { sessionId: a.sessionId, reason: 'moved' });
      const segments = await f.t.db
        .selectFrom('session_attendance')
        .select('left_at')
        .where('session_id', '=', a.sessionId)
        .where('user_id', '=', 'course-1-s1')
        .execute();
      assert.equal(segments.length, 1);
      assert.notEqual(segments[0]?.left_at, null, 'the old room closed their segment');
      // The old room is now another room: unknown to them, for reads and for hot actions alike.
      assert.equal(
        errorCode(await f.t.request({ method: 'GET', url: `/api/live-sessions/${a.sessionId}/chat`, token: f.c.student })),
        'SESSION_NOT_FOUND',
      );
      assert.equal(codeOf(await request(sam.socket, 'chat:send', { sessionId: a.sessionId, body: 'still here?' })), 'SESSION_NOT_FOUND');
      assert.equal(codeOf(await request(sam.socket, 'session:join', { sessionId: b.sessionId })), 'ok');
      assert.equal(codeOf(await request(sam.socket, 'chat:send', { sessionId: b.sessionId, body: 'hi room 2' })), 'ok');
    });

    test('a move is refused for a room of another round, a round of another class, a user not a student of the course', async () => {
      const first = await running();
      const second = await running();
      assert.equal(
        errorCode(await f.act(first.id, first.round.id, 'moves', { userId: 'course-1-s1', roomId: second.a.id })),
        'BREAKOUT_ROOM_NOT_FOUND',
      );
      assert.equal(
        errorCode(await f.act(first.id, second.round.id, 'moves', { userId: 'course-1-s1', roomId: second.a.id })),
        'BREAKOUT_NOT_FOUND',
      );
      const stranger = await f.act(first.id, first.round.id, 'moves', { userId: 'course-2-s1', roomId: first.a.id });
      assert.equal(errorCode(stranger), 'NOT_ON_ROSTER');
      assert.equal(stranger.statusCode, 400);
      assert.equal(
        errorCode(await f.act(first.id, first.round.id, 'moves', { userId: 'course-1-s1', roomId: first.b.id }, f.c.student)),
        'FORBIDDEN',
      );
      // Placing someone who had no room is a move too.
      const placed = await f.act(first.id, first.round.id, 'moves', { userId: 'course-1-s6', roomId: first.b.id });
      assert.deepEqual(placed.json().round.rooms[1].memberIds, ['course-1-s3', 'course-1-s6']);
    });

    test('the timer: extending keeps the round open; shortening into the warning makes it closing', async () => {
      const { id, mentor, round } = await running({ warningSeconds: 30 });
      const longer = await f.act(id, round.id, 'timer', { addMinutes: 5 });
      assert.equal(longer.statusCode, 200, longer.body);
      assert.equal(Date.parse(longer.json().round.endsAt) - Date.parse(round.endsAt), 5 * 60_000);
      assert.equal(longer.json().round.status, 'open');
      await mentor.heard.waitFor((e) => e.event === 'breakout:updated' && e.payload.round.endsAt === longer.json().round.endsAt);
      const shorter = await f.act(id, round.id, 'timer', { addMinutes: -40 });
      const now = Date.now();
      const ends = Date.parse(shorter.json().round.endsAt);
      assert.equal(shorter.json().round.status, 'closing');
      assert.ok(ends > now + 25_000 && ends <= now + 30_000, 'no sooner than the warning');
      await mentor.heard.waitFor((e) => e.event === 'breakout:closing');
      // And out of the warning again.
      const back = await f.act(id, round.id, 'timer', { addMinutes: 10 });
      assert.equal(back.json().round.status, 'open');
      assert.equal(errorCode(await f.act(id, round.id, 'timer', { addMinutes: 0 })), 'VALIDATION_FAILED');
      assert.equal(errorCode(await f.act(id, round.id, 'timer', { addMinutes: 5 }, f.c.student)), 'FORBIDDEN');
    });

    test("a broadcast is pinned in every room (each room's session:updated) and kept on the round", async () => {
      const { id, mentor, round, a, b } = await running();
      const inA = await f.joined(f.c.student, a.sessionId);
      const inB = await f.joined(f.students[2]?.token as string, b.sessionId);
      const sent = await f.act(id, round.id, 'broadcast', { text: '  Five minutes left  ' });
      assert.equal(sent.statusCode, 200, sent.body);
      assert.equal(sent.json().round.broadcast.text, 'Five minutes left');
      for (const member of [inA, inB]) {
        const heard = await member.heard.waitFor((e) => e.event === 'session:updated' && e.payload.session.announcement);
        assert.equal(heard.payload.session.announcement.text, 'Five minutes left');
      }
      await mentor.heard.waitFor((e) => e.event === 'breakout:updated' && e.payload.round.broadcast?.text === 'Five minutes left');
      const room = await f.t.request({ method: 'GET', url: `/api/live-sessions/${b.sessionId}`, token: f.students[2]?.token });
      assert.equal(room.json().announcement.text, 'Five minutes left');
      assert.equal(errorCode(await f.act(id, round.id, 'broadcast', { text: 'hi' }, f.c.student)), 'FORBIDDEN');
    });

    test('help: a student of the room asks, the mentors see which room; a mentor clears it, or entering the room does', async () => {
      const { id, mentor, round, a } = await running();
      const asked = await f.act(id, round.id, 'help', { roomId: a.id }, f.c.student);
      assert.equal(asked.statusCode, 200, asked.body);
      const helpAt = asked.json().round.rooms[0].helpRequestedAt;
      assert.ok(helpAt);
      await mentor.heard.waitFor((e) => e.event === 'breakout:updated' && e.payload.round.rooms[0].helpRequestedAt === helpAt);
      // Asking again keeps the first time; someone of another room, or a mentor, may not ask for this one.
      assert.equal((await f.act(id, round.id, 'help', { roomId: a.id }, f.c.student2)).json().round.rooms[0].helpRequestedAt, helpAt);
      assert.equal(errorCode(await f.act(id, round.id, 'help', { roomId: a.id }, f.students[2]?.token)), 'FORBIDDEN');
      assert.equal(errorCode(await f.act(id, round.id, 'help', { roomId: a.id })), 'FORBIDDEN');
      const cleared = await f.act(id, round.id, 'help', { roomId: a.id, done: true });
      assert.equal(cleared.json().round.rooms[0].helpRequestedAt, null);

      assert.equal(errorCode(await f.act(id, round.id, 'help', { roomId: a.id }, f.c.student)), 200);
      await f.joined(f.c.mentor, a.sessionId);
      await mentor.heard.waitFor((e) => e.event === 'breakout:updated' && e.payload.round.rooms[0].helpRequestedAt === null);
      // The socket twin.
      const ack = await request(await f.open(f.c.student2), 'breakout:help', { sessionId: id, roundId: round.id, roomId: a.id });
      assert.equal(codeOf(ack), 'ok');
    });

    test('closing: the warning first, or at once with now; a closed round refuses every change', async () => {
      const { id, mentor, round, a } = await running({ warningSeconds: 60 });
      const sam = await f.joined(f.c.student, a.sessionId);
      const warned = await f.act(id, round.id, 'close', {});
      assert.equal(warned.statusCode, 200, warned.body);
      assert.equal(warned.json().round.status, 'closing');
      const ends = Date.parse(warned.json().round.endsAt) - Date.now();
      assert.ok(ends > 55_000 && ends <= 60_000, `the rooms close in a minute (${ends} ms)`);
      await mentor.heard.waitFor((e) => e.event === 'breakout:closing');

      const socket = await f.open(f.c.mentor);
      const now = await request(socket, 'breakout:close', { sessionId: id, roundId: round.id, now: true });
      assert.equal(codeOf(now), 'ok', JSON.stringify(now));
      assert.equal(now.ok && now.data.round.status, 'closed');
      assert.ok(now.ok && now.data.round.closedAt);
      await mentor.heard.waitFor((e) => e.event === 'breakout:closed');
      const ended = await sam.heard.waitFor((e) => e.event === 'session:updated' && e.payload.session.status === 'completed');
      assert.equal(ended.payload.session.id, a.sessionId);
      const open = await f.t.db
        .selectFrom('session_attendance')
        .select('user_id')
        .where('session_id', '=', a.sessionId)
        .where('left_at', 'is', null)
        .execute();
      assert.deepEqual(open, [], 'every segment in the room closed');

      for (const [action, body] of [
        ['moves', { userId: 'course-1-s1', roomId: a.id }],
        ['timer', { addMinutes: 1 }],
        ['broadcast', { text: 'late' }],
        ['close', { now: true }],
      ] as const) {
        const res = await f.act(id, round.id, action, body);
        assert.equal(errorCode(res), 'BREAKOUT_CLOSED', action);
        assert.equal(res.statusCode, 409);
      }
      const listed = await f.list(id, f.c.student);
      assert.equal(listed.current, null);
      assert.deepEqual(
        listed.past.map((r) => [r.id, r.status]),
        [[round.id, 'closed']],
      );
      // A new round may open now.
      assert.equal((await f.openRound(id, { rooms: 1, assignment: 'self-select', durationMinutes: 5 })).statusCode, 201);
    });
  });
}
