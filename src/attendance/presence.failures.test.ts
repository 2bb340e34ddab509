import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../test/eventually.ts';
import { type LogLine, makeFaultyApp } from '../test/faulty-db.ts';
import { type Course, dbTargets, makeCourse, makeSession, type TestApp } from '../test/harness.ts';
import { listen, request, socketPool } from '../test/sockets.ts';

for (const target of await dbTargets('presence when the database fails')) {
  describe(`presence when the database fails, on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let faults: Awaited<ReturnType<typeof makeFaultyApp>>['faults'];
    let logs: LogLine[];
    let base: string;
    const pool = socketPool(() => base);
    // Node 24 exits on an unhandled rejection; recorded here instead, so the test can say it happened.
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    before(async () => {
      // No grace period: a dropped connection closes attendance at once, a database write nobody awaits.
      ({ t, faults, logs } = await makeFaultyApp(target, { PRESENCE_GRACE_MS: '0' }));
      c = await makeCourse(t);
      base = await listen(t);
      process.on('unhandledRejection', onUnhandled);
    });
    after(async () => {
      process.off('unhandledRejection', onUnhandled);
      pool.closeAll();
      faults.up();
      await t.close();
    });

    test('a disconnect whose attendance close fails is logged, not fatal, and the segment closes once the database is back', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const userId = `${c.courseId}-s1`;
      const segment = () =>
        t.db
          .selectFrom('session_attendance')
          .selectAll()
          .where('session_id', '=', s.id)
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow();
      const student = await pool.open(c.student);
      assert.ok((await request(student, 'session:join', { sessionId: s.id })).ok);
      assert.equal((await segment()).left_at, null, 'joining opened attendance');

      faults.down();
      const leftAt = Date.now();
      student.disconnect();
      const failure = await eventually(
        () => logs.find((l) => l.msg === 'closing an attendance segment failed; retrying' && l.userId === userId),
        'the failed close to be logged',
      );
      assert.equal(failure.sessionId, s.id);
      assert.equal((failure.err as { message: string }).message, 'connection to the database was lost (test fault)');
      assert.equal((await segment()).left_at, null, 'still open while the database is away');

      const back = Date.now();
      faults.up();
      const closed = await eventually(async () => (await segment()).left_at ?? undefined, 'the segment to be closed', 15_000);
      assert.ok(
        closed.getTime() >= leftAt - 1000 && closed.getTime() <= back,
        'closed at the time they left, not when the database came back',
      );
      assert.deepEqual(unhandled, [], 'no unhandled rejection (Node would have exited)');
    });

    test('a join refused while the database is away opens attendance when sent again on the same socket', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const student = await pool.open(c.student);
      faults.down();
      const refused = await request(student, 'session:join', { sessionId: s.id });
      faults.up();
      assert.equal(refused.ok ? 'ok' : refused.error.code, 'UNAVAILABLE');
      assert.ok((await request(student, 'session:join', { sessionId: s.id })).ok);
      const open = await t.db
        .selectFrom('session_attendance')
        .selectAll()
        .where('session_id', '=', s.id)
        .where('user_id', '=', `${c.courseId}-s1`)
        .where('left_at', 'is', null)
        .execute();
      assert.equal(open.length, 1, 'the retried join opened a segment');
      student.disconnect();
    });
  });
}
