import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';

for (const target of await dbTargets('session races')) {
  describe(`sessions under concurrency on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    before(async () => ({ t, c } = await makeTwoCourseApp(target)));
    after(() => t.close());

    const put = (id: string, body: unknown) => t.request({ method: 'PUT', url: `/api/live-sessions/${id}`, token: c.mentor, body });

    test('two cancellations at once both succeed: DELETE is idempotent even when racing itself', async () => {
      for (let round = 0; round < 10; round++) {
        const s = await makeSession(t, c.mentor, c.courseId);
        const del = () => t.request({ method: 'DELETE', url: `/api/live-sessions/${s.id}`, token: c.mentor });
        const results = await Promise.all([del(), del()]);
        assert.deepEqual(
          results.map((r) => r.statusCode),
          [200, 200],
          `round ${round}: ${results.map((r) => r.body)}`,
        );
        assert.deepEqual(
          results.map((r) => r.json().status),
          ['cancelled', 'cancelled'],
        );
      }
    });

    test('an edit racing the start of class is kept, and so is the start', async () => {
      for (let round = 0; round < 10; round++) {
        const s = await makeSession(t, c.mentor, c.courseId);
        const [edit, start] = await Promise.all([put(s.id, { title: `Edited ${round}` }), put(s.id, { status: 'live' })]);
        assert.equal(edit.statusCode, 200, edit.body);
        assert.equal(start.statusCode, 200, start.body);
        const now = (await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: c.mentor })).json();
        assert.equal(now.title, `Edited ${round}`);
        assert.equal(now.status, 'live');
      }
    });

    test('of two different transitions at once, one wins and the other is refused with a clear code', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      assert.equal((await put(s.id, { status: 'live' })).statusCode, 200);
      const results = await Promise.all([put(s.id, { status: 'completed' }), put(s.id, { status: 'cancelled' })]);
      const codes = results.map((r) => r.statusCode).sort();
      assert.deepEqual(codes, [200, 409]);
      const loser = results.find((r) => r.statusCode === 409)!;
      assert.ok(['SESSION_COMPLETED', 'SESSION_CANCELLED', 'INVALID_TRANSITION'].includes(loser.json().error.code));
    });
  });
}
