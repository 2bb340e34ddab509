import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { closePollRest, codeOf, liveSession, openPoll, pollIn, readPoll, singleChoice, vote } from './polls.fixtures.ts';

const quiz = { question: '2 + 2?', type: 'single', options: ['3', '4', '5'], correctOption: 1 };

for (const target of await dbTargets('polls over REST')) {
  describe(`polls over REST on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    let sessionId: string;
    before(async () => {
      ({ t, c, other } = await makeTwoCourseApp(target));
      sessionId = (await liveSession(t, c)).id;
    });
    after(() => t.close());

    test('a mentor opens a poll (201) and members list and read it with their own answer', async () => {
      const res = await openPoll(t, c.mentor, sessionId, { ...singleChoice, question: '  Best traversal?  ' });
      assert.equal(res.statusCode, 201, res.body);
      const poll = res.json();
      assert.equal(poll.question, 'Best traversal?');
      assert.deepEqual(
        [poll.type, poll.status, poll.resultsVisibility, poll.anonymous, poll.quiz],
        ['single', 'open', 'live', false, false],
      );
      assert.deepEqual(poll.results, { total: 0, counts: [0, 0, 0] });
      assert.equal((await vote(t, c.student, sessionId, poll.id, 1)).statusCode, 200);
      const mine = (await readPoll(t, c.student, sessionId, poll.id)).json();
      assert.equal(mine.myChoice, 1);
      assert.deepEqual(mine.results, { total: 1, counts: [0, 1, 0] });
      const list = await t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/polls`, token: c.student2 });
      const listed = list.json().items.find((p: { id: string }) => p.id === poll.id);
      assert.equal(listed.myChoice, null);
      assert.equal(listed.results.total, 1);
    });

    test('who may open and close polls: mentors and admins; students, roster mentors with a student token and outsiders may not', async () => {
      assert.equal(codeOf(await openPoll(t, c.student, sessionId)), 'FORBIDDEN');
      assert.equal(codeOf(await openPoll(t, c.mentorWithStudentToken, sessionId)), 'FORBIDDEN');
      assert.equal(codeOf(await openPoll(t, other.mentor, sessionId)), 'SESSION_NOT_FOUND');
      assert.equal(codeOf(await openPoll(t, c.admin, sessionId)), null);
      const pollId = await pollIn(t, c, sessionId);
      assert.equal(codeOf(await closePollRest(t, c.student, sessionId, pollId)), 'FORBIDDEN');
      assert.equal(codeOf(await closePollRest(t, c.mentorWithStudentToken, sessionId, pollId)), 'FORBIDDEN');
      assert.equal(codeOf(await closePollRest(t, other.mentor, sessionId, pollId)), 'SESSION_NOT_FOUND');
      assert.equal(codeOf(await vote(t, other.student, sessionId, pollId, 0)), 'SESSION_NOT_FOUND');
      assert.equal(codeOf(await readPoll(t, other.student, sessionId, pollId)), 'SESSION_NOT_FOUND');
      assert.equal(codeOf(await vote(t, c.mentorWithStudentToken, sessionId, pollId, 0)), null, 'any member may vote');
      assert.equal(codeOf(await closePollRest(t, c.admin, sessionId, pollId)), null);
      const denied = await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('outcome', '=', 'denied')
        .where('action', 'like', 'poll.%')
        .execute();
      assert.ok(denied.length >= 6, 'refusals are audited');
    });

    test('a refused vote (poll closed) is audited as denied, like a refused access', async () => {
      const pollId = await pollIn(t, c, sessionId);
      assert.equal((await closePollRest(t, c.mentor, sessionId, pollId)).statusCode, 200);
      assert.equal(codeOf(await vote(t, c.student2, sessionId, pollId, 0)), 'POLL_CLOSED');
      const rows = await t.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'poll.vote')
        .where('target_id', '=', pollId)
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.actor_id, r.outcome, (r.details as { code?: string } | null)?.code]),
        [[`${c.courseId}-s2`, 'denied', 'POLL_CLOSED']],
      );
    });

    test('a poll id from another session, or an unknown one, is POLL_NOT_FOUND', async () => {
      const elsewhere = (await liveSession(t, c)).id;
      const pollId = await pollIn(t, c, elsewhere);
      assert.equal(codeOf(await readPoll(t, c.student, sessionId, pollId)), 'POLL_NOT_FOUND');
      assert.equal(codeOf(await vote(t, c.student, sessionId, crypto.randomUUID(), 0)), 'POLL_NOT_FOUND');
      assert.equal(codeOf(await closePollRest(t, c.mentor, sessionId, crypto.randomUUID())), 'POLL_NOT_FOUND');
      assert.equal(codeOf(await readPoll(t, c.student, sessionId, 'not-a-uuid')), 'VALIDATION_FAILED');
    });

    test('polls need a live class with polls enabled', async () => {
      const scheduled = await makeSession(t, c.mentor, c.courseId);
      assert.equal(codeOf(await openPoll(t, c.mentor, scheduled.id)), 'SESSION_NOT_LIVE');
      const disabled = await liveSession(t, c, { settings: { pollsEnabled: false } });
      assert.equal(codeOf(await openPoll(t, c.mentor, disabled.id)), 'POLLS_DISABLED');
      const turnedOff = await liveSession(t, c);
      const pollId = await pollIn(t, c, turnedOff.id);
      await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${turnedOff.id}`,
        token: c.mentor,
        body: { settings: { pollsEnabled: false } },
      });
      assert.equal(codeOf(await vote(t, c.student, turnedOff.id, pollId, 0)), 'POLLS_DISABLED');
      assert.equal(codeOf(await closePollRest(t, c.mentor, turnedOff.id, pollId)), null, 'a mentor can still close it');
    });

    test('a vote after closing is refused, and so is closing twice', async () => {
      const pollId = await pollIn(t, c, sessionId);
      const closed = await closePollRest(t, c.mentor, sessionId, pollId);
      assert.equal(closed.json().status, 'closed');
      assert.equal(typeof closed.json().closedAt, 'string');
      assert.equal(codeOf(await vote(t, c.student, sessionId, pollId, 0)), 'POLL_CLOSED');
      assert.equal(codeOf(await closePollRest(t, c.mentor, sessionId, pollId)), 'POLL_CLOSED');
    });

    test('poll definitions are checked field by field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ question: 'Q', type: 'single', options: ['only one'] }, 'body.options'],
        [{ question: 'Q', type: 'multiple', options: ['a', 'A'] }, 'body.options'],
        [{ question: 'Q', type: 'single', options: Array.from({ length: 11 }, (_, i) => `o${i}`) }, 'body.options'],
        [{ question: 'Q', type: 'single', options: ['a', ''] }, 'body.options.1'],
        [{ question: 'Q', type: 'rating', options: ['a', 'b'] }, 'body.options'],
        [{ question: 'Q', type: 'multiple', options: ['a', 'b'], correctOption: 0 }, 'body.correctOption'],
        [{ question: 'Q', type: 'single', options: ['a', 'b'], correctOption: 2 }, 'body.correctOption'],
        [{ question: 'Q', type: 'poll' }, 'body.type'],
        [{ question: '', type: 'text' }, 'body.question'],
        [{ question: 'Q', type: 'text', resultsVisibility: 'never' }, 'body.resultsVisibility'],
        [{ question: 'Q', type: 'text', anonymous: 'yes' }, 'body.anonymous'],
        [{ question: 'Q', type: 'text', sessionId }, 'body.sessionId'],
      ];
      for (const [body, field] of cases) {
        const res = await openPoll(t, c.mentor, sessionId, body);
        assert.equal(codeOf(res), 'VALIDATION_FAILED', JSON.stringify(body));
        assert.ok(
          res.json().error.details.some((d: { field: string }) => d.field === field),
          `${field}: ${res.body}`,
        );
      }
      const poisoned = await t.app.inject({
        method: 'POST',
        url: `/api/live-sessions/${sessionId}/polls`,
        headers: { authorization: `Bearer ${c.mentor}`, 'content-type': 'application/json' },
        payload: '{"question":"Q","type":"text","__proto__":{"anonymous":true}}',
      });
      assert.ok(poisoned.statusCode >= 400 && poisoned.statusCode < 500, poisoned.body);
    });

    test('afterClose results stay hidden from students until the poll closes; mentors always see them', async () => {
      const res = await openPoll(t, c.mentor, sessionId, { ...singleChoice, resultsVisibility: 'afterClose' });
      const pollId = res.json().id;
      await vote(t, c.student, sessionId, pollId, 2);
      const hidden = (await readPoll(t, c.student, sessionId, pollId)).json();
      assert.equal(hidden.results, undefined);
      assert.equal(hidden.myChoice, 2, 'a student still sees their own answer');
      const list = (await t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/polls`, token: c.student })).json();
      assert.equal(list.items.find((p: { id: string }) => p.id === pollId).results, undefined);
      assert.deepEqual((await readPoll(t, c.mentor, sessionId, pollId)).json().results, { total: 1, counts: [0, 0, 1] });
      await closePollRest(t, c.mentor, sessionId, pollId);
      assert.deepEqual((await readPoll(t, c.student, sessionId, pollId)).json().results, { total: 1, counts: [0, 0, 1] });
    });

    test('the quiz answer is hidden from students while open; scores count non-anonymous quiz polls per roster student', async () => {
      const session = (await liveSession(t, c)).id;
      const first = (await openPoll(t, c.mentor, session, quiz)).json();
      assert.equal(first.correctOption, 1, 'the mentor sees it');
      assert.equal(first.quiz, true);
      const second = await pollIn(t, c, session, { ...quiz, correctOption: 2 });
      const anonymous = await pollIn(t, c, session, { ...quiz, anonymous: true });
      await pollIn(t, c, session, singleChoice);
      assert.equal((await readPoll(t, c.student, session, first.id)).json().correctOption, undefined);
      await vote(t, c.student, session, first.id, 1);
      await vote(t, c.student, session, second, 0);
      await vote(t, c.student2, session, first.id, 0);
      await vote(t, c.student2, session, anonymous, 1);
      const scores = await t.request({ method: 'GET', url: `/api/live-sessions/${session}/polls/scores`, token: c.mentor });
      assert.equal(scores.statusCode, 200, scores.body);
      assert.equal(scores.json().quizPolls, 2);
      assert.deepEqual(scores.json().students, [
        { userId: 'course-1-s1', name: 'Sam Student', answered: 2, correct: 1, points: 1000 },
        { userId: 'course-1-s2', name: 'Sky Student', answered: 1, correct: 0, points: 0 },
      ]);
      const asStudent = await t.request({ method: 'GET', url: `/api/live-sessions/${session}/polls/scores`, token: c.student });
      assert.equal(codeOf(asStudent), 'FORBIDDEN');
      await closePollRest(t, c.mentor, session, first.id);
      assert.equal((await readPoll(t, c.student, session, first.id)).json().correctOption, 1);
    });

    test('an anonymous poll never shows who voted, not even to the mentor', async () => {
      const res = await openPoll(t, c.mentor, sessionId, { question: 'How do you feel?', type: 'text', anonymous: true });
      const pollId = res.json().id;
      await vote(t, c.student, sessionId, pollId, 'Lost, honestly');
      const seen = [
        (await readPoll(t, c.mentor, sessionId, pollId)).body,
        (await t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/polls`, token: c.mentor })).body,
        (await closePollRest(t, c.mentor, sessionId, pollId)).body,
      ];
      for (const body of seen) {
        assert.ok(body.includes('Lost, honestly'));
        assert.ok(!body.includes('course-1-s1') && !body.includes('Sam Student'), body);
      }
    });
  });
}
