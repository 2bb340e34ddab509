import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf } from '../chat/class.fixture.ts';
import { dbTargets } from '../test/harness.ts';
import { recorder, request } from '../test/sockets.ts';
import { type BreakoutFixture, errorCode, makeBreakoutFixture, type Round } from './breakouts.fixture.ts';

for (const target of await dbTargets('breakout room access')) {
  describe(`breakout rooms: who may see them on ${target}`, () => {
    let f: BreakoutFixture;
    let classId: string;
    let round: Round;
    let a: Round['rooms'][0];
    let b: Round['rooms'][0];
    before(async () => {
      f = await makeBreakoutFixture(target);
      classId = (await f.live()).id;
      const assignments = { 'course-1-s1': 0, 'course-1-s2': 1 };
      ({ round } = await f.opened(classId, { rooms: 2, assignment: 'manual', assignments, durationMinutes: 30 }));
      [a, b] = round.rooms as [Round['rooms'][0], Round['rooms'][0]];
    });
    after(() => f.close());

    const get = (token: string, sessionId: string, rest = '') =>
      f.t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}${rest}`, token });

    test('a student reads and joins their own room only; another room is unknown to them (404), as to an outsider', async () => {
      for (const rest of ['', '/chat', '/qa', '/polls', '/events', '/hands']) {
        assert.equal((await get(f.c.student, a.sessionId, rest)).statusCode, 200, `own room ${rest}`);
        const other = await get(f.c.student, b.sessionId, rest);
        assert.equal(other.statusCode, 404, `other room ${rest}`);
        assert.equal(other.json().error.code, 'SESSION_NOT_FOUND');
      }
      const socket = await f.open(f.c.student);
      assert.equal(codeOf(await request(socket, 'session:join', { sessionId: b.sessionId })), 'SESSION_NOT_FOUND');
      assert.equal(codeOf(await request(socket, 'chat:send', { sessionId: b.sessionId, body: 'psst' })), 'SESSION_NOT_FOUND');
      assert.equal(codeOf(await request(socket, 'hand:raise', { sessionId: b.sessionId })), 'SESSION_NOT_FOUND');
      assert.equal(codeOf(await request(socket, 'session:join', { sessionId: a.sessionId })), 'ok');
      const join = await f.t.request({ method: 'POST', url: `/api/live-sessions/${b.sessionId}/join`, token: f.c.student });
      assert.equal(join.statusCode, 404);
      // A student of the course placed nowhere sees no room; an outsider neither.
      assert.equal((await get(f.students[2]?.token as string, a.sessionId)).statusCode, 404);
      assert.equal((await get(f.other.student, a.sessionId)).statusCode, 404);
      assert.equal((await get(f.other.mentor, a.sessionId)).statusCode, 404);
    });

    test('course mentors and admins enter every room', async () => {
      for (const token of [f.c.mentor, f.c.admin, f.c.mentorWithStudentToken]) {
        for (const room of [a, b]) assert.equal((await get(token, room.sessionId)).statusCode, 200);
      }
      const socket = await f.open(f.c.mentor);
      for (const room of [a, b]) assert.equal(codeOf(await request(socket, 'session:join', { sessionId: room.sessionId })), 'ok');
    });

    test('a room is no class of its own: not listed, no join code, no course:session, not startable, endable or editable', async () => {
      const listed = await f.t.request({ method: 'GET', url: '/api/live-sessions?courseId=course-1&limit=100', token: f.c.mentor });
      const ids = listed.json().items.map((s: { id: string }) => s.id);
      assert.ok(ids.includes(classId));
      assert.ok(!ids.includes(a.sessionId) && !ids.includes(b.sessionId), 'rooms are not listed');
      const all = await f.t.request({ method: 'GET', url: '/api/live-sessions?limit=100', token: f.c.admin });
      assert.ok(!all.json().items.some((s: { parentSessionId: string | null }) => s.parentSessionId), 'nor in the admin list');
      assert.equal((await get(f.c.mentor, classId)).json().parentSessionId, null);

      const code = (await get(f.c.mentor, a.sessionId)).json().joinCode;
      assert.equal((await f.t.request({ method: 'GET', url: `/j/${code}` })).statusCode, 404);

      for (const call of [
        { method: 'PUT' as const, body: { status: 'completed' } },
        { method: 'PUT' as const, body: { title: 'Renamed' } },
        { method: 'DELETE' as const },
      ]) {
        const res = await f.t.request({ ...call, url: `/api/live-sessions/${a.sessionId}`, token: f.c.mentor });
        assert.equal(res.statusCode, 409, JSON.stringify(call));
        assert.equal(res.json().error.code, 'BREAKOUT_IN_ROOM');
      }
      const socket = await f.open(f.c.mentor);
      assert.equal(codeOf(await request(socket, 'session:status', { sessionId: a.sessionId, status: 'completed' })), 'BREAKOUT_IN_ROOM');

      // The course's live schedule hears of the class's sessions, never of its rooms.
      const heard = recorder(socket);
      assert.equal(codeOf(await request(socket, 'course:join', { courseId: 'course-1' })), 'ok');
      const s = await f.live();
      await heard.waitFor((e) => e.event === 'course:session' && e.payload.session.id === s.id && e.payload.session.status === 'live');
      const { round: other } = await f.opened(s.id, { rooms: 1, assignment: 'self-select', durationMinutes: 5 });
      assert.equal(errorCode(await f.act(s.id, other.id, 'broadcast', { text: 'hello' })), 200);
      assert.equal(errorCode(await f.act(s.id, other.id, 'close', { now: true })), 200);
      await new Promise((r) => setTimeout(r, 300));
      const told = heard.received.filter((e) => e.event === 'course:session').map((e) => e.payload.session.id);
      assert.ok(!told.includes(other.rooms[0]?.sessionId), 'no course:session for a room');
    });
  });
}
