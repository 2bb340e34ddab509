import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codeOf, liveSession } from '../polls/polls.fixtures.ts';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';

/** Chat and upvotes check access through the short-lived cache too; a change made here is seen by the next request. */
for (const target of await dbTargets('chat and upvotes with cached access')) {
  describe(`chat and upvotes see access changes at once on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
    });
    after(() => t.close());

    const say = (token: string, sessionId: string, body: string) =>
      t.request({ method: 'POST', url: `/api/live-sessions/${sessionId}/chat`, token, body: { body } });
    const upvote = (token: string, sessionId: string, qaId: string) =>
      t.request({ method: 'POST', url: `/api/live-sessions/${sessionId}/qa/${qaId}/upvote`, token });

    test('a student removed from the roster can neither chat nor upvote on their next try', async () => {
      const sessionId = (await liveSession(t, c)).id;
      const asked = await t.request({
        method: 'POST',
        url: `/api/live-sessions/${sessionId}/qa`,
        token: c.student,
        body: { question: 'Why?' },
      });
      assert.equal(asked.statusCode, 201, asked.body);
      assert.equal(codeOf(await say(c.student2, sessionId, 'hello')), null);
      assert.equal(codeOf(await upvote(c.student2, sessionId, asked.json().id)), null);
      const removed = await t.request({ method: 'DELETE', url: `/api/courses/${c.courseId}/members/${c.courseId}-s2`, token: c.admin });
      assert.equal(removed.statusCode, 204, removed.body);
      assert.equal(codeOf(await say(c.student2, sessionId, 'still here?')), 'SESSION_NOT_FOUND');
      assert.equal(codeOf(await upvote(c.student2, sessionId, asked.json().id)), 'SESSION_NOT_FOUND');
      const upvotes = await t.db.selectFrom('qa_upvotes').select('user_id').where('qa_id', '=', asked.json().id).execute();
      assert.deepEqual(
        upvotes.map((u) => u.user_id),
        [`${c.courseId}-s2`],
        'the refused toggle did not undo the upvote',
      );
    });

    test('chat turned off, then the class cancelled: each refuses the very next message', async () => {
      const sessionId = (await liveSession(t, c)).id;
      assert.equal(codeOf(await say(c.student, sessionId, 'hi')), null);
      const off = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${sessionId}`,
        token: c.mentor,
        body: { settings: { chatEnabled: false } },
      });
      assert.equal(off.statusCode, 200, off.body);
      assert.equal(codeOf(await say(c.student, sessionId, 'hi again')), 'CHAT_DISABLED');
      const on = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${sessionId}`,
        token: c.mentor,
        body: { settings: { chatEnabled: true } },
      });
      assert.equal(on.statusCode, 200, on.body);
      assert.equal(codeOf(await say(c.student, sessionId, 'back')), null);
      const cancelled = await t.request({ method: 'DELETE', url: `/api/live-sessions/${sessionId}`, token: c.mentor });
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      assert.equal(codeOf(await say(c.student, sessionId, 'anyone?')), 'SESSION_NOT_LIVE');
    });
  });
}
