import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { listen, request, socketPool } from '../test/sockets.ts';
import { codeOf, liveSession, openPoll, readPoll, singleChoice, vote } from './polls.fixtures.ts';

const listPolls = async (t: TestApp, token: string, sessionId: string) =>
  (await t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/polls`, token })).json().items as {
    id: string;
    status: string;
  }[];

for (const target of await dbTargets('draft polls')) {
  describe(`draft polls on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    let base: string;
    const pool = socketPool(() => base);
    before(async () => {
      ({ t, c, other } = await makeTwoCourseApp(target));
      base = await listen(t);
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });

    test('a mentor drafts polls before class; students never see a draft; Launch opens it for the room with its timer', async () => {
      const scheduled = await makeSession(t, c.mentor, c.courseId);
      const draft = await openPoll(t, c.mentor, scheduled.id, { ...singleChoice, draft: true, durationSeconds: 60 });
      assert.equal(draft.statusCode, 201, draft.body);
      assert.equal(draft.json().status, 'draft');
      assert.equal(draft.json().openedAt, null);
      assert.equal(draft.json().closesAt, null, 'the timer starts at launch');
      const pollId = draft.json().id;
      assert.deepEqual(
        (await listPolls(t, c.mentor, scheduled.id)).map((p) => p.status),
        ['draft'],
      );
      assert.deepEqual(await listPolls(t, c.student, scheduled.id), [], 'invisible to students');
      assert.equal(codeOf(await readPoll(t, c.student, scheduled.id, pollId)), 'POLL_NOT_FOUND');
      assert.equal(codeOf(await vote(t, c.student, scheduled.id, pollId, 0)), 'POLL_NOT_FOUND');
      const early = await t.request({ method: 'POST', url: `/api/live-sessions/${scheduled.id}/polls/${pollId}/launch`, token: c.mentor });
      assert.equal(codeOf(early), 'SESSION_NOT_LIVE', 'launched during the class only');

      await t.request({ method: 'PUT', url: `/api/live-sessions/${scheduled.id}`, token: c.mentor, body: { status: 'live' } });
      const student = await pool.member(c.student, scheduled.id);
      const mentor = await pool.member(c.mentor, scheduled.id);
      assert.equal(student.heard.received.filter((e) => e.event === 'poll:opened').length, 0, 'no event for a draft');
      const launched = await request(mentor.s, 'poll:launch', { pollId });
      assert.ok(launched.ok, JSON.stringify(launched));
      assert.equal(launched.data.status, 'open');
      assert.equal(Date.parse(launched.data.closesAt) - Date.parse(launched.data.openedAt), 60_000);
      const opened = await student.heard.waitFor((e) => e.event === 'poll:opened');
      assert.equal(opened.payload.poll.id, pollId);
      assert.equal(opened.payload.poll.closesAt, launched.data.closesAt, 'everyone counts down to the same instant');
      assert.equal(codeOf(await vote(t, c.student, scheduled.id, pollId, 1)), null);
      const again = await request(mentor.s, 'poll:launch', { pollId });
      assert.equal(again.ok ? null : again.error.code, 'POLL_NOT_DRAFT');
    });

    test('only managers draft, launch and delete; a launched poll cannot be deleted; an ended class takes no drafts', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const draftBody = { ...singleChoice, draft: true };
      assert.equal(codeOf(await openPoll(t, c.student, sessionId, draftBody)), 'FORBIDDEN');
      assert.equal(codeOf(await openPoll(t, other.mentor, sessionId, draftBody)), 'SESSION_NOT_FOUND');
      const pollId = (await openPoll(t, c.mentor, sessionId, draftBody)).json().id;
      const launchAs = (token: string) =>
        t.request({ method: 'POST', url: `/api/live-sessions/${sessionId}/polls/${pollId}/launch`, token });
      const deleteAs = (token: string, id = pollId) =>
        t.request({ method: 'DELETE', url: `/api/live-sessions/${sessionId}/polls/${id}`, token });
      // Refused before the poll is looked up: the same answer whether or not a draft exists.
      assert.equal(codeOf(await launchAs(c.student)), 'FORBIDDEN');
      assert.equal(codeOf(await deleteAs(c.student)), 'FORBIDDEN');
      assert.equal(codeOf(await launchAs(other.mentor)), 'SESSION_NOT_FOUND');
      const closeDraft = await t.request({ method: 'POST', url: `/api/live-sessions/${sessionId}/polls/${pollId}/close`, token: c.mentor });
      assert.equal(codeOf(closeDraft), 'INVALID_TRANSITION');
      assert.equal((await deleteAs(c.mentor)).statusCode, 204);
      assert.equal(codeOf(await readPoll(t, c.mentor, sessionId, pollId)), 'POLL_NOT_FOUND');
      const open = (await openPoll(t, c.mentor, sessionId, singleChoice)).json().id;
      assert.equal(codeOf(await deleteAs(c.mentor, open)), 'POLL_NOT_DRAFT');

      await t.request({ method: 'PUT', url: `/api/live-sessions/${sessionId}`, token: c.mentor, body: { status: 'completed' } });
      assert.equal(codeOf(await openPoll(t, c.mentor, sessionId, draftBody)), 'SESSION_COMPLETED');
    });

    test('ending the class leaves drafts as drafts (they never opened), and reports leave them out', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const draftId = (await openPoll(t, c.mentor, sessionId, { ...singleChoice, draft: true })).json().id;
      await t.request({ method: 'PUT', url: `/api/live-sessions/${sessionId}`, token: c.mentor, body: { status: 'completed' } });
      assert.equal((await readPoll(t, c.mentor, sessionId, draftId)).json().status, 'draft');
      const report = await t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/report`, token: c.mentor });
      assert.equal(report.statusCode, 200, report.body);
      assert.deepEqual(report.json().polls, []);
    });
  });
}
