import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { listen, request, socketPool } from '../test/sockets.ts';

for (const target of await dbTargets('event log')) {
  describe(`the session event log on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    let base: string;
    let sessionId: string;
    const pool = socketPool(() => base);
    const TOTAL = 520;
    before(async () => {
      ({ t, c, other } = await makeTwoCourseApp(target, { RATE_LIMIT_MAX: '100000' }));
      base = await listen(t);
      sessionId = (await makeSession(t, c.mentor, c.courseId)).id;
      // More events than one join ack replays: title edits are session:updated events.
      for (let i = 1; i <= TOTAL; i++) {
        const res = await t.request({
          method: 'PUT',
          url: `/api/live-sessions/${sessionId}`,
          token: c.mentor,
          body: { title: `Edit ${i}` },
        });
        assert.equal(res.statusCode, 200);
      }
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });

    const page = (token: string, query: string) =>
      t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/events?${query}`, token });

    test('the API docs name every event GET …/events can return', async () => {
      const doc = (await t.request({ method: 'GET', url: '/docs/json' })).json();
      const route = JSON.stringify(doc.paths['/api/live-sessions/{sessionId}/events']);
      const names = [
        'chat:message',
        'chat:deleted',
        'qa:question',
        'qa:updated',
        'poll:opened',
        'poll:results',
        'poll:closed',
        'presence:update',
        'session:updated',
      ];
      for (const name of names) assert.ok(route.includes(`"${name}"`), `${name} in ${route}`);
    });

    test('GET …/events pages through the log in seq order, with hasMore and lastSeq', async () => {
      const first = await page(c.student, 'since=0&limit=200');
      assert.equal(first.statusCode, 200);
      const body = first.json();
      assert.equal(body.events.length, 200);
      assert.equal(body.hasMore, true);
      assert.equal(body.lastSeq, TOTAL);
      assert.deepEqual(
        body.events.map((e: { payload: { seq: number } }) => e.payload.seq),
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      assert.equal(body.events[0].event, 'session:updated');
      assert.equal(body.events[0].payload.session.title, 'Edit 1');
      const rest = (await page(c.student, 'since=500')).json();
      assert.deepEqual(
        rest.events.map((e: { payload: { seq: number } }) => e.payload.seq),
        Array.from({ length: 20 }, (_, i) => 501 + i),
      );
      assert.equal(rest.hasMore, false);
    });

    test('outsiders get 404, and bad parameters a 400', async () => {
      assert.equal((await page(other.student, 'since=0')).json().error.code, 'SESSION_NOT_FOUND');
      assert.equal((await page(c.student, 'since=-1')).statusCode, 400);
      assert.equal((await page(c.student, 'limit=1001')).statusCode, 400);
      assert.equal((await page(c.student, 'since=abc')).statusCode, 400);
    });

    test('a join ack replays at most 500 events with hasMore; the log gives the rest with nothing missing', async () => {
      const student = await pool.open(c.student2);
      const joined = await request(student, 'session:join', { sessionId, sinceSeq: 0 });
      assert.ok(joined.ok);
      assert.equal(joined.data.events.length, 500);
      assert.equal(joined.data.hasMore, true);
      const last = joined.data.events.at(-1).payload.seq;
      const rest = (await page(c.student2, `since=${last}`)).json();
      const seqs = [...joined.data.events, ...rest.events].map((e: { payload: { seq: number } }) => e.payload.seq);
      assert.deepEqual(
        seqs.slice(0, TOTAL),
        Array.from({ length: TOTAL }, (_, i) => i + 1),
      );
    });
  });
}
