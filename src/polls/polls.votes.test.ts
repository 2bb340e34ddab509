import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeCourse, makeTestApp, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { codeOf, liveSession, pollIn, readPoll, vote } from './polls.fixtures.ts';

const results = async (t: TestApp, c: Course, sessionId: string, pollId: string) =>
  (await readPoll(t, c.mentor, sessionId, pollId)).json().results;

for (const target of await dbTargets('poll votes')) {
  describe(`poll votes on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let sessionId: string;
    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
      sessionId = (await liveSession(t, c)).id;
    });
    after(() => t.close());

    test('each poll type takes its own kind of answer and tallies it', async () => {
      const polls = {
        single: await pollIn(t, c, sessionId, { question: 'One', type: 'single', options: ['a', 'b'] }),
        multiple: await pollIn(t, c, sessionId, { question: 'Some', type: 'multiple', options: ['a', 'b', 'c'] }),
        rating: await pollIn(t, c, sessionId, { question: 'Rate', type: 'rating' }),
        text: await pollIn(t, c, sessionId, { question: 'Say', type: 'text' }),
      };
      const ballots: [keyof typeof polls, unknown, unknown][] = [
        ['single', 1, 0],
        ['multiple', [2, 0], [2]],
        ['rating', 5, 4],
        ['text', '  Graphs!  ', 'Trees'],
      ];
      for (const [type, first, second] of ballots) {
        const ack = await vote(t, c.student, sessionId, polls[type], first);
        assert.equal(ack.statusCode, 200, ack.body);
        assert.equal(ack.json().pollId, polls[type]);
        assert.equal(codeOf(await vote(t, c.student2, sessionId, polls[type], second)), null);
      }
      assert.deepEqual((await vote(t, c.mentor, sessionId, polls.multiple, [1])).json().choice, [1]);
      assert.deepEqual(await results(t, c, sessionId, polls.single), { total: 2, counts: [1, 1] });
      assert.deepEqual(await results(t, c, sessionId, polls.multiple), { total: 3, counts: [1, 1, 2] });
      assert.deepEqual(await results(t, c, sessionId, polls.rating), { total: 2, counts: [0, 0, 0, 1, 1], average: 4.5 });
      assert.deepEqual(await results(t, c, sessionId, polls.text), {
        total: 2,
        answers: ['Graphs!', 'Trees'],
        groups: [
          { text: 'Graphs!', count: 1 },
          { text: 'Trees', count: 1 },
        ],
      });
    });

    test('an answer of the wrong kind is VALIDATION_FAILED naming choice, never INTERNAL', async () => {
      const single = await pollIn(t, c, sessionId, { question: 'One', type: 'single', options: ['a', 'b'] });
      const rating = await pollIn(t, c, sessionId, { question: 'Rate', type: 'rating' });
      const textPoll = await pollIn(t, c, sessionId, { question: 'Say', type: 'text' });
      const cases: [string, unknown][] = [
        [single, 2],
        [single, [0]],
        [single, 'a'],
        [single, 0.5],
        [single, null],
        [single, { $gt: 0 }],
        [single, true],
        [rating, 0],
        [rating, 6],
        [rating, '5'],
        [textPoll, ''],
        [textPoll, 'x'.repeat(281)],
        [textPoll, 7],
      ];
      for (const [pollId, choice] of cases) {
        const res = await vote(t, c.student, sessionId, pollId, choice);
        assert.equal(codeOf(res), 'VALIDATION_FAILED', `${JSON.stringify(choice)}: ${res.body}`);
        assert.ok(
          res.json().error.details.some((d: { field: string }) => /choice$/.test(d.field)),
          res.body,
        );
      }
      const extra = await t.request({
        method: 'POST',
        url: `/api/live-sessions/${sessionId}/polls/${single}/respond`,
        token: c.student,
        body: { choice: 0, userId: 'x' },
      });
      assert.equal(codeOf(extra), 'VALIDATION_FAILED');
      assert.deepEqual(await results(t, c, sessionId, single), { total: 0, counts: [0, 0] });
    });

    test('changing a vote while the poll is open replaces it and never double-counts', async () => {
      const pollId = await pollIn(t, c, sessionId, { question: 'One', type: 'single', options: ['a', 'b', 'c'] });
      for (const choice of [0, 1, 2, 1]) assert.equal(codeOf(await vote(t, c.student, sessionId, pollId, choice)), null);
      await Promise.all([0, 2, 0].map((choice) => vote(t, c.student2, sessionId, pollId, choice)));
      const r = await results(t, c, sessionId, pollId);
      assert.equal(r.total, 2);
      assert.equal(r.counts[1], 1);
      assert.equal(r.counts[0] + r.counts[2], 1);
      const rows = await t.db.selectFrom('poll_responses').select('user_id').where('poll_id', '=', pollId).execute();
      assert.equal(rows.length, 2);
      const audited = await t.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'poll.vote')
        .where('target_id', '=', pollId)
        .execute();
      assert.equal(audited.length, 7, 'one audit row per vote, written with it');
    });

    test('200 concurrent votes from different people tally exactly', async () => {
      const members = Array.from({ length: 200 }, (_, i) => ({ userId: `crowd-${i}`, name: `Crowd ${i}`, role: 'student' }));
      const roster = await t.request({ method: 'PUT', url: `/api/courses/${c.courseId}/members`, token: c.admin, body: { members } });
      assert.equal(roster.statusCode, 200, roster.body);
      const pollId = await pollIn(t, c, sessionId, { question: 'Pick', type: 'multiple', options: ['a', 'b', 'c', 'd'] });
      const tokens = await Promise.all(members.map((m) => t.token({ sub: m.userId, name: m.name })));
      const replies = await Promise.all(tokens.map((token, i) => vote(t, token, sessionId, pollId, i % 2 === 0 ? [i % 4] : [0, 3])));
      assert.deepEqual(
        replies.map((r) => r.statusCode).filter((s) => s !== 200),
        [],
      );
      assert.deepEqual(await results(t, c, sessionId, pollId), { total: 200, counts: [150, 0, 50, 100] });
    });
  });

  describe(`the vote rate limit on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    before(async () => {
      t = await makeTestApp(target, { VOTE_RATE_PER_MIN: '3' });
      c = await makeCourse(t);
    });
    after(() => t.close());

    test('votes beyond the per-minute budget are RATE_LIMITED, and refused votes are not written', async () => {
      const sessionId = (await liveSession(t, c)).id;
      const pollId = await pollIn(t, c, sessionId, { question: 'Rate', type: 'rating' });
      for (const choice of [1, 2, 3]) assert.equal(codeOf(await vote(t, c.student, sessionId, pollId, choice)), null);
      const limited = await vote(t, c.student, sessionId, pollId, 5);
      assert.equal(limited.statusCode, 429);
      assert.equal(codeOf(limited), 'RATE_LIMITED');
      assert.equal(codeOf(await vote(t, c.student2, sessionId, pollId, 4)), null, 'the budget is per user');
      const r = (await readPoll(t, c.mentor, sessionId, pollId)).json().results;
      assert.deepEqual(r, { total: 2, counts: [0, 0, 1, 1, 0], average: 3.5 });
    });
  });
}
