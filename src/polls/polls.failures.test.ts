import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type LogLine, makeFaultyApp } from '../test/faulty-db.ts';
import { type Course, dbTargets, makeCourse, type TestApp } from '../test/harness.ts';
import { listen, socketPool } from '../test/sockets.ts';
import { liveSession, pollIn, readPoll, vote } from './polls.fixtures.ts';

for (const target of await dbTargets('poll results when the database fails')) {
  describe(`poll results when the database fails, on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let faults: Awaited<ReturnType<typeof makeFaultyApp>>['faults'];
    let logs: LogLine[];
    let base: string;
    const pool = socketPool(() => base);
    before(async () => {
      ({ t, faults, logs } = await makeFaultyApp(target));
      c = await makeCourse(t);
      base = await listen(t);
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });

    test('a results broadcast that fails is sent again: the room gets the right tally without another vote', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const pollId = await pollIn(t, c, sessionId);
      const student = await pool.member(c.student, sessionId);
      // The join's presence:update is a transaction too: let it pass before aiming the fault at the broadcast.
      await student.heard.waitFor((e) => e.event === 'presence:update');
      faults.failNext(1);
      const voted = await vote(t, c.student, sessionId, pollId, 2);
      assert.equal(voted.statusCode, 200, voted.body);
      const results = await student.heard.waitFor((e) => e.event === 'poll:results' && e.payload.pollId === pollId, 15_000);
      assert.equal(faults.armed(), 0, 'the first broadcast did fail');
      assert.deepEqual(results.payload.results, { total: 1, counts: [0, 0, 1] });
      assert.deepEqual(results.payload.results, (await readPoll(t, c.mentor, sessionId, pollId)).json().results, 'the stored tally');
      const failure = logs.find((l) => l.msg === 'poll:results broadcast failed; retrying');
      assert.ok(failure, 'the failure was logged');
      assert.equal(failure.key, `${sessionId} ${pollId}`);
    });
  });
}
