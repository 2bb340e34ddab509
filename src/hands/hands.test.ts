import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ClassFixture, codeOf, makeClassFixture } from '../chat/class.fixture.ts';
import { eventually } from '../test/eventually.ts';
import { auditRows, dbTargets, makeSession } from '../test/harness.ts';
import { request } from '../test/sockets.ts';

type Heard = { event: string; payload: any }[];
const queues = (heard: Heard) => heard.filter((e) => e.event === 'hand:queue').map((e) => e.payload);
const names = (queue: { name: string }[]) => queue.map((h) => h.name);

for (const target of await dbTargets('hands')) {
  describe(`raised hands on ${target}`, () => {
    let f: ClassFixture;
    before(async () => (f = await makeClassFixture(target)));
    after(() => f.close());
    const handsUrl = (sessionId: string, rest = '') => `/api/live-sessions/${sessionId}/hands${rest}`;

    test('the mentor sees the queue in raise order; raising again keeps the first place', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const sam = await f.joined(f.c.student, s.id);
      const sky = await f.joined(f.c.student2, s.id);
      const first = await request(sam.socket, 'hand:raise', { sessionId: s.id });
      assert.equal(first.ok, true, JSON.stringify(first));
      assert.equal(first.ok && first.data.raised, true);
      assert.equal(codeOf(await request(sky.socket, 'hand:raise', { sessionId: s.id })), 'ok');
      const again = await request(sam.socket, 'hand:raise', { sessionId: s.id });
      assert.equal(again.ok && again.data.raisedAt, first.ok && first.data.raisedAt, 'a second raise keeps the original time');

      const heard = await mentor.heard.waitFor((e) => e.event === 'hand:queue' && e.payload.total === 2);
      assert.deepEqual(names(heard.payload.queue), ['Sam Student', 'Sky Student']);
      assert.equal(typeof heard.payload.seq, 'number');
      assert.deepEqual(Object.keys(heard.payload.queue[0]).sort(), ['name', 'raisedAt', 'userId']);
      const rest = await f.t.request({ method: 'GET', url: handsUrl(s.id), token: f.c.mentor });
      assert.equal(rest.statusCode, 200);
      assert.deepEqual(
        rest.json().queue.map((h: { userId: string }) => h.userId),
        ['course-1-s1', 'course-1-s2'],
      );
      // Students see the same queue the room hears.
      await sam.heard.waitFor((e) => e.event === 'hand:queue' && e.payload.total === 2);
    });

    test('hands raised at once reach the room as one coalesced queue, not one broadcast each', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const sam = await f.joined(f.c.student, s.id);
      const sky = await f.joined(f.c.student2, s.id);
      const acks = await Promise.all([sam, sky].map((p) => request(p.socket, 'hand:raise', { sessionId: s.id })));
      assert.deepEqual(acks.map(codeOf), ['ok', 'ok']);
      await mentor.heard.waitFor((e) => e.event === 'hand:queue' && e.payload.total === 2);
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(queues(mentor.heard.received).length, 1, 'two raises, one hand:queue');
    });

    test('a student lowers only their own hand; a mentor lowers anyone’s, or all', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const sam = await f.joined(f.c.student, s.id);
      const sky = await f.joined(f.c.student2, s.id);
      for (const p of [sam, sky]) assert.equal(codeOf(await request(p.socket, 'hand:raise', { sessionId: s.id })), 'ok');
      assert.equal(codeOf(await request(sam.socket, 'hand:lower', { sessionId: s.id, userId: 'course-1-s2' })), 'FORBIDDEN');
      assert.equal(codeOf(await request(sam.socket, 'hand:lowerAll', { sessionId: s.id })), 'FORBIDDEN');
      assert.equal((await auditRows(f.t.db, { action: 'hand.lower', outcome: 'denied', actorId: 'course-1-s1' })).length, 1);

      const own = await request(sam.socket, 'hand:lower', { sessionId: s.id });
      assert.deepEqual(own.ok && own.data, { userId: 'course-1-s1', raised: false, raisedAt: null });
      let heard = await mentor.heard.waitFor((e) => e.event === 'hand:queue' && e.payload.total === 1);
      assert.deepEqual(names(heard.payload.queue), ['Sky Student']);

      assert.equal(codeOf(await request(mentor.socket, 'hand:lower', { sessionId: s.id, userId: 'course-1-s2' })), 'ok');
      heard = await mentor.heard.waitFor((e) => e.event === 'hand:queue' && e.payload.total === 0);
      assert.deepEqual(heard.payload.queue, []);

      for (const p of [sam, sky]) assert.equal(codeOf(await request(p.socket, 'hand:raise', { sessionId: s.id })), 'ok');
      const all = await f.t.request({ method: 'POST', url: handsUrl(s.id, '/lower-all'), token: f.c.mentor });
      assert.equal(all.statusCode, 200, all.body);
      assert.deepEqual(all.json(), { lowered: 2 });
      assert.deepEqual((await f.t.request({ method: 'GET', url: handsUrl(s.id), token: f.c.student })).json(), { queue: [], total: 0 });
      // Lowering a hand that is not up changes nothing and succeeds.
      const rest = await f.t.request({ method: 'POST', url: handsUrl(s.id, '/lower'), token: f.c.student });
      assert.equal(rest.statusCode, 200, rest.body);
    });

    test('who may raise: students of the course while the class is live; mentors and outsiders may not', async () => {
      const s = await f.live();
      const { c, other } = f;
      const codes = [];
      for (const token of [c.student, other.student, c.mentor, c.mentorWithStudentToken, c.admin]) {
        codes.push(codeOf(await request(await f.open(token), 'hand:raise', { sessionId: s.id })));
      }
      assert.deepEqual(codes, ['ok', 'SESSION_NOT_FOUND', 'FORBIDDEN', 'ok', 'FORBIDDEN']);
      const scheduled = await makeSession(f.t, c.mentor, c.courseId);
      const early = await f.t.request({ method: 'POST', url: handsUrl(scheduled.id, '/raise'), token: c.student });
      assert.equal(early.statusCode, 409);
      assert.equal(early.json().error.code, 'SESSION_NOT_LIVE');
      const bad = await request(await f.open(c.student), 'hand:raise', { sessionId: 'nope' });
      assert.equal(codeOf(bad), 'VALIDATION_FAILED');
    });

    test('the class ending lowers every hand; the room hears an empty queue before the class ends', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const sam = await f.joined(f.c.student, s.id);
      assert.equal(codeOf(await request(sam.socket, 'hand:raise', { sessionId: s.id })), 'ok');
      await mentor.heard.waitFor((e) => e.event === 'hand:queue' && e.payload.total === 1);
      const end = await f.t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: f.c.mentor, body: { status: 'completed' } });
      assert.equal(end.statusCode, 200, end.body);
      await sam.heard.waitFor((e) => e.event === 'session:updated' && e.payload.session.status === 'completed');
      const last = queues(sam.heard.received).at(-1);
      assert.deepEqual(last && { queue: last.queue, total: last.total }, { queue: [], total: 0 });
      assert.deepEqual((await f.t.request({ method: 'GET', url: handsUrl(s.id), token: f.c.mentor })).json(), { queue: [], total: 0 });
      assert.equal(codeOf(await request(sam.socket, 'hand:raise', { sessionId: s.id })), 'SESSION_NOT_LIVE');
    });

    test('raises and lowers racing the class end: no hand stays up, each raise went up before the end or is refused', async () => {
      const s = await f.live();
      const [sam, sky] = [await f.open(f.c.student), await f.open(f.c.student2)];
      assert.equal(codeOf(await request(sky, 'hand:raise', { sessionId: s.id })), 'ok');
      const acks: Promise<{ ok: boolean; error?: { code: string } }>[] = [];
      for (let i = 0; i < 12; i++) {
        acks.push(
          request(sam, i % 2 === 0 ? 'hand:raise' : 'hand:lower', { sessionId: s.id }),
          request(sky, 'hand:raise', { sessionId: s.id }),
        );
        if (i === 6) {
          const end = await f.t.request({
            method: 'PUT',
            url: `/api/live-sessions/${s.id}`,
            token: f.c.mentor,
            body: { status: 'completed' },
          });
          assert.equal(end.statusCode, 200, end.body);
        }
      }
      const codes = new Set((await Promise.all(acks)).map(codeOf));
      assert.ok(
        [...codes].every((code) => code === 'ok' || code === 'SESSION_NOT_LIVE'),
        [...codes].join(),
      );
      assert.ok(codes.has('SESSION_NOT_LIVE'), 'raises after the end are refused');
      assert.deepEqual((await f.t.request({ method: 'GET', url: handsUrl(s.id), token: f.c.mentor })).json(), { queue: [], total: 0 });
      // Audited once per hand that went up, never for a raise that changed nothing or was refused.
      const raised = await auditRows(f.t.db, { action: 'hand.raise', outcome: 'success', actorId: 'course-1-s2' });
      assert.equal(raised.filter((r) => r.session_id === s.id).length, 1);
    });

    test('a student removed from the roster has their hand lowered', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const sky = await f.joined(f.c.student2, s.id);
      assert.equal(codeOf(await request(sky.socket, 'hand:raise', { sessionId: s.id })), 'ok');
      await mentor.heard.waitFor((e) => e.event === 'hand:queue' && e.payload.total === 1);
      const removed = await f.t.request({ method: 'DELETE', url: `/api/courses/${f.c.courseId}/members/course-1-s2`, token: f.c.admin });
      assert.equal(removed.statusCode, 204, removed.body);
      await mentor.heard.waitFor((e) => e.event === 'hand:queue' && e.payload.total === 0);
      await eventually(
        async () => (await f.t.request({ method: 'GET', url: handsUrl(s.id), token: f.c.mentor })).json().total === 0,
        'the hand to come down',
      );
      // Back on the roster for the other tests.
      await f.t.request({
        method: 'PUT',
        url: `/api/courses/${f.c.courseId}/members`,
        token: f.c.admin,
        body: { members: [{ userId: 'course-1-s2', name: 'Sky Student', role: 'student' }] },
      });
    });

    test('the queue is replayable: a rejoin with sinceSeq replays hand:queue', async () => {
      const s = await f.live();
      const sam = await f.joined(f.c.student, s.id);
      assert.equal(codeOf(await request(sam.socket, 'hand:raise', { sessionId: s.id })), 'ok');
      await sam.heard.waitFor((e) => e.event === 'hand:queue' && e.payload.total === 1);
      const late = await f.open(f.c.mentor);
      const join = await request(late, 'session:join', { sessionId: s.id, sinceSeq: 0 });
      assert.equal(join.ok, true);
      const replayed = join.ok && join.data.events.filter((e: { event: string }) => e.event === 'hand:queue');
      assert.equal(replayed.at(-1).payload.total, 1);
      assert.deepEqual(names(replayed.at(-1).payload.queue), ['Sam Student']);
    });
  });
}
