import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { closePollRest, codeOf, liveSession, pollIn, readPoll, vote } from './polls.fixtures.ts';

/**
 * Votes read the session, the roster role and the poll through a short-lived cache. These tests pin down that a
 * change made through the service is seen by the very next vote (no waiting for the cache to expire), and that a
 * burst folded into one batch still answers each vote on its own.
 */
for (const target of await dbTargets('poll votes and cached access')) {
  describe(`votes see access changes at once on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
    });
    after(() => t.close());

    const tally = async (sessionId: string, pollId: string) => (await readPoll(t, c.mentor, sessionId, pollId)).json().results;

    test('a student removed from the roster is refused on their next vote, though they just voted', async () => {
      const sessionId = (await liveSession(t, c)).id;
      const pollId = await pollIn(t, c, sessionId);
      assert.equal(codeOf(await vote(t, c.student2, sessionId, pollId, 0)), null);
      const removed = await t.request({ method: 'DELETE', url: `/api/courses/${c.courseId}/members/${c.courseId}-s2`, token: c.admin });
      assert.equal(removed.statusCode, 204, removed.body);
      const refused = await vote(t, c.student2, sessionId, pollId, 1);
      assert.equal(codeOf(refused), 'SESSION_NOT_FOUND');
      assert.deepEqual(await tally(sessionId, pollId), { total: 1, counts: [1, 0, 0] }, 'the refused vote changed nothing');
      // Back on the roster: their next vote counts again, at once.
      const readded = await t.request({
        method: 'PUT',
        url: `/api/courses/${c.courseId}/members`,
        token: c.admin,
        body: { members: [{ userId: `${c.courseId}-s2`, name: 'Sky Student', role: 'student' }] },
      });
      assert.equal(readded.statusCode, 200, readded.body);
      assert.equal(codeOf(await vote(t, c.student2, sessionId, pollId, 2)), null);
    });

    test('a class that ended refuses the next vote at once', async () => {
      const sessionId = (await liveSession(t, c)).id;
      const pollId = await pollIn(t, c, sessionId);
      assert.equal(codeOf(await vote(t, c.student, sessionId, pollId, 0)), null);
      const ended = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${sessionId}`,
        token: c.mentor,
        body: { status: 'completed' },
      });
      assert.equal(ended.statusCode, 200, ended.body);
      assert.equal(codeOf(await vote(t, c.student, sessionId, pollId, 1)), 'SESSION_NOT_LIVE');
    });

    test('turning polls off refuses the next vote at once', async () => {
      const sessionId = (await liveSession(t, c)).id;
      const pollId = await pollIn(t, c, sessionId);
      assert.equal(codeOf(await vote(t, c.student, sessionId, pollId, 0)), null);
      const off = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${sessionId}`,
        token: c.mentor,
        body: { settings: { pollsEnabled: false } },
      });
      assert.equal(off.statusCode, 200, off.body);
      assert.equal(codeOf(await vote(t, c.student, sessionId, pollId, 1)), 'POLLS_DISABLED');
    });

    test('a closed poll refuses the next vote, and the refusal is audited', async () => {
      const sessionId = (await liveSession(t, c)).id;
      const pollId = await pollIn(t, c, sessionId);
      assert.equal(codeOf(await vote(t, c.student, sessionId, pollId, 0)), null);
      assert.equal((await closePollRest(t, c.mentor, sessionId, pollId)).statusCode, 200);
      assert.equal(codeOf(await vote(t, c.student, sessionId, pollId, 1)), 'POLL_CLOSED');
      const denied = await t.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'poll.vote')
        .where('target_id', '=', pollId)
        .where('outcome', '=', 'denied')
        .execute();
      assert.equal(denied.length, 1);
    });

    test('a burst with one invalid vote persists the others and refuses only that one', async () => {
      const sessionId = (await liveSession(t, c)).id;
      const pollId = await pollIn(t, c, sessionId);
      const members = Array.from({ length: 30 }, (_, i) => ({ userId: `burst-${i}`, name: `Burst ${i}`, role: 'student' }));
      const roster = await t.request({ method: 'PUT', url: `/api/courses/${c.courseId}/members`, token: c.admin, body: { members } });
      assert.equal(roster.statusCode, 200, roster.body);
      const tokens = await Promise.all(members.map((m) => t.token({ sub: m.userId, name: m.name })));
      // Sent together, so the valid ones share a batch; the 8th names an option the poll does not have.
      const replies = await Promise.all(tokens.map((token, i) => vote(t, token, sessionId, pollId, i === 7 ? 3 : i % 3)));
      assert.deepEqual(
        replies.map((r) => codeOf(r)),
        replies.map((_, i) => (i === 7 ? 'VALIDATION_FAILED' : null)),
      );
      assert.deepEqual(await tally(sessionId, pollId), { total: 29, counts: [10, 9, 10] });
      const written = await t.db
        .selectFrom('audit_log')
        .select('actor_id')
        .where('action', '=', 'poll.vote')
        .where('target_id', '=', pollId)
        .where('outcome', '=', 'success')
        .execute();
      assert.equal(written.length, 29, 'one audit row per stored vote, none for the refused one');
    });
  });
}
