import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { listen, request, socketPool } from '../test/sockets.ts';
import { closePollRest, liveSession, pollIn, readPoll, singleChoice, vote } from './polls.fixtures.ts';
import { RESULTS_INTERVAL_MS } from './polls.votes.ts';

const codeOf = (ack: { ok: boolean; error?: { code: string } }) => (ack.ok ? null : ack.error?.code);

for (const target of await dbTargets('polls over Socket.IO')) {
  describe(`polls over Socket.IO on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    let base: string;
    const pool = socketPool(() => base);
    const { open, member } = pool;
    before(async () => {
      ({ t, c, other } = await makeTwoCourseApp(target));
      base = await listen(t);
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });

    test('poll:create opens a quiz: the room hears poll:opened without the answer; votes ack; poll:close reveals it', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const mentor = await member(c.mentor, sessionId);
      const student = await member(c.student, sessionId);
      const created = await request(mentor.s, 'poll:create', {
        sessionId,
        question: '2 + 2?',
        type: 'single',
        options: ['3', '4'],
        correctOption: 1,
      });
      assert.ok(created.ok, JSON.stringify(created));
      assert.equal(created.data.correctOption, 1, 'the mentor ack carries the answer');
      const opened = await student.heard.waitFor((e) => e.event === 'poll:opened');
      assert.equal(typeof opened.payload.seq, 'number');
      assert.equal(opened.payload.poll.id, created.data.id);
      assert.equal(opened.payload.poll.quiz, true);
      assert.equal('correctOption' in opened.payload.poll, false);
      assert.deepEqual(opened.payload.poll.results, { total: 0, counts: [0, 0] });
      const voted = await request(student.s, 'poll:vote', { pollId: created.data.id, choice: 1 });
      assert.deepEqual(voted, { ok: true, data: { pollId: created.data.id, choice: 1 } });
      const closed = await request(mentor.s, 'poll:close', { pollId: created.data.id });
      assert.ok(closed.ok);
      const heard = await student.heard.waitFor((e) => e.event === 'poll:closed');
      assert.equal(heard.payload.poll.status, 'closed');
      assert.equal(heard.payload.poll.correctOption, 1);
      assert.deepEqual(heard.payload.poll.results, { total: 1, counts: [0, 1] });
      assert.ok(heard.payload.seq > opened.payload.seq);
      assert.equal(codeOf(await request(student.s, 'poll:vote', { pollId: created.data.id, choice: 0 })), 'POLL_CLOSED');
    });

    test('poll:results is coalesced: a burst of votes becomes a few broadcasts with the exact tally', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const student = await member(c.student2, sessionId);
      const pollId = await pollIn(t, c, sessionId, { question: 'Rate', type: 'rating' });
      const people = [c.student, c.student2, c.mentor, c.admin];
      const started = Date.now();
      for (let round = 0; round < 8; round++) {
        await Promise.all(people.map((token, i) => vote(t, token, sessionId, pollId, ((round + i) % 5) + 1)));
      }
      const elapsed = Date.now() - started;
      await student.heard.waitFor((e) => e.event === 'poll:results' && e.payload.results.total === 4, 3000);
      await new Promise((r) => setTimeout(r, RESULTS_INTERVAL_MS + 200));
      const broadcasts = student.heard.received.filter((e) => e.event === 'poll:results');
      const bound = Math.ceil(elapsed / RESULTS_INTERVAL_MS) + 1;
      assert.ok(
        broadcasts.length >= 1 && broadcasts.length <= Math.min(bound, 4),
        `${broadcasts.length} poll:results for 32 votes in ${elapsed} ms`,
      );
      const stored = (await readPoll(t, c.mentor, sessionId, pollId)).json().results;
      assert.deepEqual(broadcasts.at(-1)?.payload, { seq: broadcasts.at(-1)?.payload.seq, pollId, results: stored });
      assert.deepEqual(stored.counts, [1, 0, 1, 1, 1], 'each voter counted once, with their last answer');
    });

    test('REST votes and closes are heard by socket clients as the same events', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const student = await member(c.student, sessionId);
      const pollId = await pollIn(t, c, sessionId, { question: 'Pick', type: 'multiple', options: ['a', 'b', 'c'] });
      await student.heard.waitFor((e) => e.event === 'poll:opened' && e.payload.poll.id === pollId);
      assert.equal((await vote(t, c.student2, sessionId, pollId, [0, 2])).statusCode, 200);
      const results = await student.heard.waitFor((e) => e.event === 'poll:results' && e.payload.pollId === pollId);
      assert.deepEqual(results.payload.results, { total: 1, counts: [1, 0, 1] });
      assert.equal((await closePollRest(t, c.mentor, sessionId, pollId)).statusCode, 200);
      const closed = await student.heard.waitFor((e) => e.event === 'poll:closed');
      assert.deepEqual(closed.payload.poll.results, { total: 1, counts: [1, 0, 1] });
    });

    test('an afterClose poll broadcasts no results until it closes', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const student = await member(c.student, sessionId);
      const pollId = await pollIn(t, c, sessionId, { ...singleChoice, resultsVisibility: 'afterClose' });
      const opened = await student.heard.waitFor((e) => e.event === 'poll:opened');
      assert.equal(opened.payload.poll.results, undefined);
      await vote(t, c.student2, sessionId, pollId, 0);
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(student.heard.received.filter((e) => e.event === 'poll:results').length, 0);
      await closePollRest(t, c.mentor, sessionId, pollId);
      const closed = await student.heard.waitFor((e) => e.event === 'poll:closed');
      assert.deepEqual(closed.payload.poll.results, { total: 1, counts: [1, 0, 0] });
    });

    test('ending the class closes its open polls with poll:closed, in the same commit', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const mentor = await member(c.mentor, sessionId);
      const student = await member(c.student, sessionId);
      const first = await pollIn(t, c, sessionId);
      const second = await pollIn(t, c, sessionId, { question: 'Rate', type: 'rating' });
      await vote(t, c.student, sessionId, second, 4);
      const ended = await request(mentor.s, 'session:status', { sessionId, status: 'completed' });
      assert.ok(ended.ok, JSON.stringify(ended));
      const updated = await student.heard.waitFor((e) => e.event === 'session:updated' && e.payload.session.status === 'completed');
      const closed = student.heard.received.filter((e) => e.event === 'poll:closed');
      assert.deepEqual(closed.map((e) => e.payload.poll.id).sort(), [first, second].sort());
      assert.ok(closed.every((e) => e.payload.seq < updated.payload.seq));
      assert.deepEqual(closed.find((e) => e.payload.poll.id === second)?.payload.poll.results.counts, [0, 0, 0, 1, 0]);
      const rows = await t.db.selectFrom('session_polls').select('status').where('session_id', '=', sessionId).execute();
      assert.deepEqual(
        rows.map((r) => r.status),
        ['closed', 'closed'],
      );
      assert.equal(codeOf(await request(student.s, 'poll:vote', { pollId: first, choice: 0 })), 'SESSION_NOT_LIVE');
    });

    test('the permission matrix over sockets', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const input = { sessionId, ...singleChoice };
      const student = await open(c.student);
      const fakeMentor = await open(c.mentorWithStudentToken);
      const outsider = await open(other.mentor);
      const admin = await open(c.admin);
      const mentor = await open(c.mentor);
      assert.equal(codeOf(await request(student, 'poll:create', input)), 'FORBIDDEN');
      assert.equal(codeOf(await request(fakeMentor, 'poll:create', input)), 'FORBIDDEN');
      assert.equal(codeOf(await request(outsider, 'poll:create', input)), 'SESSION_NOT_FOUND');
      const byAdmin = await request(admin, 'poll:create', input);
      assert.ok(byAdmin.ok);
      const pollId = byAdmin.data.id;
      assert.equal(codeOf(await request(outsider, 'poll:vote', { pollId, choice: 0 })), 'POLL_NOT_FOUND');
      assert.equal(codeOf(await request(outsider, 'poll:close', { pollId })), 'POLL_NOT_FOUND');
      assert.equal(codeOf(await request(student, 'poll:close', { pollId })), 'FORBIDDEN');
      assert.equal(codeOf(await request(fakeMentor, 'poll:close', { pollId })), 'FORBIDDEN');
      assert.equal(codeOf(await request(student, 'poll:vote', { pollId, choice: 0 })), null);
      assert.equal(codeOf(await request(mentor, 'poll:close', { pollId })), null);
    });

    test('bad payloads are refused with a clear code, never INTERNAL', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const pollId = await pollIn(t, c, sessionId);
      const s = await open(c.mentor);
      const cases: [string, unknown, string][] = [
        ['poll:create', null, 'VALIDATION_FAILED'],
        ['poll:create', 'poll', 'VALIDATION_FAILED'],
        ['poll:create', { sessionId, question: 42, type: 'single', options: ['a', 'b'] }, 'VALIDATION_FAILED'],
        [
          'poll:create',
          JSON.parse(`{"sessionId":"${sessionId}","question":"Q","type":"text","__proto__":{"anonymous":true}}`),
          'VALIDATION_FAILED',
        ],
        ['poll:create', { sessionId: crypto.randomUUID(), question: 'Q', type: 'text' }, 'SESSION_NOT_FOUND'],
        ['poll:vote', { pollId }, 'VALIDATION_FAILED'],
        ['poll:vote', { pollId, choice: { constructor: 1 } }, 'VALIDATION_FAILED'],
        ['poll:vote', { pollId, choice: [0, 'x'] }, 'VALIDATION_FAILED'],
        ['poll:vote', { pollId, choice: 'x'.repeat(5000) }, 'VALIDATION_FAILED'],
        ['poll:vote', JSON.parse(`{"pollId":"${pollId}","choice":0,"__proto__":{"x":1}}`), 'VALIDATION_FAILED'],
        ['poll:vote', { pollId: crypto.randomUUID(), choice: 0 }, 'POLL_NOT_FOUND'],
        ['poll:vote', { pollId: 'nope', choice: 0 }, 'VALIDATION_FAILED'],
        ['poll:close', { pollId: ['x'] }, 'VALIDATION_FAILED'],
        ['poll:close', { pollId: crypto.randomUUID() }, 'POLL_NOT_FOUND'],
      ];
      for (const [event, payload, code] of cases) {
        const ack = await request(s, event, payload);
        assert.equal(codeOf(ack), code, `${event} ${JSON.stringify(payload)}: ${JSON.stringify(ack)}`);
      }
      const invalid = await request(s, 'poll:vote', { pollId, choice: 9 });
      assert.equal(!invalid.ok && invalid.error.details?.[0]?.field, 'choice');
    });
  });
}
