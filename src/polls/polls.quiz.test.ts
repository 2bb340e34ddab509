import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { listen, request, socketPool } from '../test/sockets.ts';
import { closePollRest, codeOf, liveSession, pollIn, readPoll, vote } from './polls.fixtures.ts';

const quiz = { question: '2 + 2?', type: 'single', options: ['3', '4'], correctOption: 1 };

for (const target of await dbTargets('quizzes and the leaderboard')) {
  describe(`quizzes and the leaderboard on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let base: string;
    const pool = socketPool(() => base);
    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
      base = await listen(t);
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });
    const board = (token: string, sessionId: string) =>
      t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/polls/leaderboard`, token });
    const optIn = (token: string, sessionId: string, body: unknown) =>
      t.request({ method: 'PUT', url: `/api/live-sessions/${sessionId}/polls/leaderboard/me`, token, body });

    test('each student sees right or wrong and their points after close, never before', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const pollId = await pollIn(t, c, sessionId, quiz);
      await vote(t, c.student, sessionId, pollId, 1);
      await vote(t, c.student2, sessionId, pollId, 0);
      const open = (await readPoll(t, c.student, sessionId, pollId)).json();
      assert.equal(open.myResult, undefined, 'no verdict while open');
      assert.equal(open.correctOption, undefined);
      await closePollRest(t, c.mentor, sessionId, pollId);
      assert.deepEqual((await readPoll(t, c.student, sessionId, pollId)).json().myResult, { correct: true, points: 1000 });
      assert.deepEqual((await readPoll(t, c.student2, sessionId, pollId)).json().myResult, { correct: false, points: 0 });
    });

    test('the leaderboard ranks closed quizzes only, names only those who opted in, and the room sees it when shown', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const student = await pool.member(c.student2, sessionId);
      const mentor = await pool.member(c.mentor, sessionId);
      const first = await pollIn(t, c, sessionId, quiz);
      await vote(t, c.student, sessionId, first, 1);
      await vote(t, c.student2, sessionId, first, 0);
      assert.deepEqual((await board(c.mentor, sessionId)).json().entries, [], 'an open quiz scores nothing yet');
      await closePollRest(t, c.mentor, sessionId, first);

      const nick = await optIn(c.student, sessionId, { showAs: 'nickname', nickname: '  Ada  ' });
      assert.equal(nick.statusCode, 200, nick.body);
      assert.deepEqual(nick.json().me, { rank: 1, points: 1000, correct: 1, showAs: 'nickname', nickname: 'Ada' });
      assert.equal(codeOf(await optIn(c.mentor, sessionId, { showAs: 'name' })), 'FORBIDDEN', 'mentors are not on the board');
      assert.equal(codeOf(await optIn(c.student, sessionId, { showAs: 'nickname' })), 'VALIDATION_FAILED');
      assert.equal(codeOf(await optIn(c.student, sessionId, { showAs: 'name', nickname: 'x' })), 'VALIDATION_FAILED');

      const hidden = (await board(c.student2, sessionId)).json();
      assert.equal(hidden.shown, false);
      assert.deepEqual(hidden.entries, [], 'students see no board until it is shown');
      assert.deepEqual(hidden.me, { rank: 2, points: 0, correct: 0, showAs: 'hidden', nickname: null }, 'but their own standing');

      const shown = await request(mentor.s, 'poll:showLeaderboard', { sessionId, shown: true });
      assert.ok(shown.ok, JSON.stringify(shown));
      const heard = await student.heard.waitFor((e) => e.event === 'poll:leaderboard' && e.payload.leaderboard !== null);
      assert.equal(typeof heard.payload.seq, 'number');
      assert.deepEqual(heard.payload.leaderboard, {
        sessionId,
        quizzes: 1,
        entries: [
          { rank: 1, name: 'Ada', points: 1000, correct: 1 },
          { rank: 2, name: null, points: 0, correct: 0 },
        ],
      });

      // While shown, a quiz closing and a student opting in refresh it (coalesced).
      const second = await pollIn(t, c, sessionId, quiz);
      await vote(t, c.student2, sessionId, second, 1);
      await closePollRest(t, c.mentor, sessionId, second);
      await optIn(c.student2, sessionId, { showAs: 'name' });
      const refreshed = await student.heard.waitFor(
        (e) => e.event === 'poll:leaderboard' && e.payload.leaderboard?.entries.some((x: { name: string }) => x.name === 'Sky Student'),
        4000,
      );
      assert.deepEqual(
        refreshed.payload.leaderboard.entries.map((e: { rank: number; name: string; points: number }) => [e.rank, e.name, e.points]),
        [
          [1, 'Ada', 1000],
          [1, 'Sky Student', 1000],
        ],
      );

      const hide = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${sessionId}/polls/leaderboard`,
        token: c.mentor,
        body: { shown: false },
      });
      assert.equal(hide.statusCode, 200, hide.body);
      await student.heard.waitFor((e) => e.event === 'poll:leaderboard' && e.payload.leaderboard === null);
      const asStudent = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${sessionId}/polls/leaderboard`,
        token: c.student,
        body: { shown: true },
      });
      assert.equal(codeOf(asStudent), 'FORBIDDEN');
      const scores = (await t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/polls/scores`, token: c.mentor })).json();
      assert.deepEqual(
        scores.students.map((s: { points: number }) => s.points),
        [1000, 1000],
      );
    });

    test('a word cloud takes up to 3 short words per student and counts them folded; text answers come grouped', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const cloud = await pollIn(t, c, sessionId, { question: 'One word for graphs?', type: 'wordcloud' });
      assert.equal(codeOf(await vote(t, c.student, sessionId, cloud, ['Nodes', 'edges'])), null);
      assert.equal(codeOf(await vote(t, c.student2, sessionId, cloud, [' nodes '])), null);
      for (const bad of [[], ['a', 'b', 'c', 'd'], ['   '], ['x'.repeat(26)], ['dup', 'DUP'], 'nodes']) {
        assert.equal(codeOf(await vote(t, c.student2, sessionId, cloud, bad)), 'VALIDATION_FAILED', JSON.stringify(bad));
      }
      assert.deepEqual((await readPoll(t, c.mentor, sessionId, cloud)).json().results, {
        total: 2,
        words: [
          { text: 'Nodes', count: 2 },
          { text: 'edges', count: 1 },
        ],
      });
      const textPoll = await pollIn(t, c, sessionId, { question: 'Favourite?', type: 'text' });
      await vote(t, c.student, sessionId, textPoll, 'Big O');
      await vote(t, c.student2, sessionId, textPoll, 'big   o');
      assert.deepEqual((await readPoll(t, c.mentor, sessionId, textPoll)).json().results.groups, [{ text: 'Big O', count: 2 }]);
    });

    test('managers hear poll:count live, coalesced, even with results hidden; students never do', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const mentor = await pool.member(c.mentor, sessionId);
      const student = await pool.member(c.student, sessionId);
      const pollId = await pollIn(t, c, sessionId, { ...quiz, resultsVisibility: 'afterClose' });
      await Promise.all([c.student, c.student2, c.admin].map((token) => vote(t, token, sessionId, pollId, 1)));
      const count = await mentor.heard.waitFor((e) => e.event === 'poll:count' && e.payload.total === 3, 4000);
      assert.deepEqual(count.payload, { pollId, total: 3 });
      await new Promise((r) => setTimeout(r, 1200));
      assert.ok(mentor.heard.received.filter((e) => e.event === 'poll:count').length <= 2, 'one notice per second, not one per vote');
      assert.equal(student.heard.received.filter((e) => e.event === 'poll:count').length, 0);
      assert.equal(student.heard.received.filter((e) => e.event === 'poll:results').length, 0, 'results stay hidden');
    });
  });
}
