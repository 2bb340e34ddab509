import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { type Course, dbTargets, makeSession as make, makeTwoCourseApp, type TestApp } from '../test/harness.ts';

const makeSession = async (...args: Parameters<typeof make>) =>
  (await make(...args)) as Awaited<ReturnType<typeof make>> & { joinCode: string };

for (const target of await dbTargets('join links')) {
  describe(`join links on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    before(async () => ({ t, c } = await makeTwoCourseApp(target)));
    after(() => t.close());

    test('every class gets its own short code, and /j/:code sends the browser to its class page', async () => {
      const a = await makeSession(t, c.mentor, c.courseId);
      const b = await makeSession(t, c.mentor, c.courseId);
      assert.match(a.joinCode, /^[0-9a-f]{10}$/);
      assert.notEqual(a.joinCode, b.joinCode);
      const seen = await t.request({ method: 'GET', url: `/api/live-sessions/${a.id}`, token: c.student });
      assert.equal(seen.json().joinCode, a.joinCode);
      // Typed from a screen, the code may come in capitals.
      const res = await t.request({ method: 'GET', url: `/j/${a.joinCode.toUpperCase()}` });
      assert.equal(res.statusCode, 302);
      assert.equal(res.headers.location, `/#/sessions/${a.id}`);
    });

    test('an unknown or malformed code is a plain 404 that says what to check, not a redirect', async () => {
      for (const code of ['0000000000', 'not-a-code', 'x'.repeat(90)]) {
        const res = await t.request({ method: 'GET', url: `/j/${code}` });
        assert.equal(res.statusCode, 404, code);
        assert.match(res.body, /No class has the join code/);
        assert.ok(res.body.length < 150, 'the reply does not echo a long input back');
      }
    });

    test('a class whose drawn code is taken is still created, with another code', async () => {
      const first = await makeSession(t, c.mentor, c.courseId);
      // The next draw is forced to collide once: the column's default returns the taken code the first time only.
      await sql`CREATE SEQUENCE IF NOT EXISTS join_code_test_draws`.execute(t.db);
      await sql
        .raw(
          `ALTER TABLE live_sessions ALTER COLUMN join_code SET DEFAULT (CASE WHEN nextval('join_code_test_draws') = 1 THEN '${first.joinCode}' ELSE substr(md5(gen_random_uuid()::text), 1, 10) END)`,
        )
        .execute(t.db);
      try {
        const second = await makeSession(t, c.mentor, c.courseId);
        assert.match(second.joinCode, /^[0-9a-f]{10}$/);
        assert.notEqual(second.joinCode, first.joinCode);
      } finally {
        await sql`ALTER TABLE live_sessions ALTER COLUMN join_code SET DEFAULT substr(md5(gen_random_uuid()::text), 1, 10)`.execute(t.db);
      }
    });
  });
}
