import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { liveSession } from '../polls/polls.fixtures.ts';
import { eventually } from '../test/eventually.ts';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { listen, request, socketPool } from '../test/sockets.ts';
import { backdate as backdateSession, classThatEnded as endedClass, eventCount as countEvents } from './retention.fixtures.ts';
import { compactExpiredEvents, startEventRetention } from './retention.ts';

for (const target of await dbTargets('event retention')) {
  describe(`event-log retention on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let base: string;
    const pool = socketPool(() => base);
    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target, { CHAT_RATE_PER_MIN: '10000', VOTE_RATE_PER_MIN: '10000' }));
      base = await listen(t);
    });
    after(async () => {
      pool.closeAll();
      await t.close();
    });

    const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, token = c.mentor, body?: unknown) =>
      t.request({ method, url, token, body });
    const eventCount = (sessionId: string) => countEvents(t.db, sessionId);
    const classThatEnded = (daysAgo: number) => endedClass(t, c, daysAgo);
    const backdate = (sessionId: string, daysAgo: number) => backdateSession(t.db, sessionId, daysAgo);

    test('the events of a class that ended before the retention are dropped; live and recent classes keep theirs', async () => {
      const old = await classThatEnded(31);
      const recent = await classThatEnded(29);
      const live = await liveSession(t, c);
      await api('POST', `/api/live-sessions/${live.id}/chat`, c.student, { body: 'still on' });
      const cancelled = await makeSession(t, c.mentor, c.courseId);
      await api('PUT', `/api/live-sessions/${cancelled.id}`, c.mentor, { title: 'Renamed' });
      assert.equal((await api('DELETE', `/api/live-sessions/${cancelled.id}`)).statusCode, 200);
      await backdate(cancelled.id, 40);
      const [liveBefore, recentBefore] = [await eventCount(live.id), recent.events];
      assert.ok(old.events > 15 && recentBefore > 15 && liveBefore > 0);

      // A small batch, so the drop takes several statements.
      await compactExpiredEvents(t.db, { retentionDays: 30, deleteBatch: 4 });
      assert.equal(await eventCount(old.id), 0);
      assert.equal(await eventCount(cancelled.id), 0);
      assert.equal(await eventCount(recent.id), recentBefore);
      assert.equal(await eventCount(live.id), liveBefore);
      const marks = await t.db
        .selectFrom('live_sessions')
        .select(['id', 'last_seq', 'events_expired_through_seq', 'events_compacted_at'])
        .where('id', 'in', [old.id, recent.id])
        .execute();
      const oldMark = marks.find((m) => m.id === old.id);
      assert.equal(Number(oldMark?.events_expired_through_seq), Number(oldMark?.last_seq));
      assert.ok(oldMark?.events_compacted_at);
      assert.equal(Number(marks.find((m) => m.id === recent.id)?.events_expired_through_seq), 0);
      // A second run (another node, the next hour) finds nothing to do.
      assert.deepEqual(await compactExpiredEvents(t.db, { retentionDays: 30 }), { sessions: 0, events: 0 });
    });

    test('GET …/events answers 410 EVENTS_EXPIRED for a dropped range, and the kept part as before', async () => {
      const old = await classThatEnded(45);
      await compactExpiredEvents(t.db, { retentionDays: 30 });
      const expired = await api('GET', `/api/live-sessions/${old.id}/events?since=0`, c.student);
      assert.equal(expired.statusCode, 410);
      assert.equal(expired.json().error.code, 'EVENTS_EXPIRED');
      assert.match(expired.json().error.message, /deleted/);
      assert.equal(
        (await api('GET', `/api/live-sessions/${old.id}/events?since=${old.events - 1}`, c.student)).json().error.code,
        'EVENTS_EXPIRED',
      );
      const fromEnd = await api('GET', `/api/live-sessions/${old.id}/events?since=${old.events}`, c.student);
      assert.equal(fromEnd.statusCode, 200);
      assert.deepEqual(fromEnd.json(), { events: [], hasMore: false, lastSeq: old.events });
      const recent = await classThatEnded(1);
      assert.equal((await api('GET', `/api/live-sessions/${recent.id}/events?since=0`, c.student)).json().events.length, recent.events);
    });

    test('session:join with a sinceSeq in a dropped range gets an EVENTS_EXPIRED ack; without one it joins', async () => {
      const old = await classThatEnded(60);
      await compactExpiredEvents(t.db, { retentionDays: 30 });
      const socket = await pool.open(c.student);
      const refused = await request(socket, 'session:join', { sessionId: old.id, sinceSeq: 3 });
      assert.equal(refused.ok, false);
      assert.equal(!refused.ok && refused.error.code, 'EVENTS_EXPIRED');
      const fresh = await request(socket, 'session:join', { sessionId: old.id });
      assert.ok(fresh.ok);
      assert.equal(fresh.data.session.status, 'completed');
      const upToDate = await request(socket, 'session:join', { sessionId: old.id, sinceSeq: old.events });
      assert.ok(upToDate.ok);
      assert.deepEqual(upToDate.data.events, []);
    });

    test('after the drop, the durable records and reports are all still there', async () => {
      const old = await classThatEnded(90);
      await compactExpiredEvents(t.db, { retentionDays: 30 });
      assert.equal(await eventCount(old.id), 0);
      const session = await api('GET', `/api/live-sessions/${old.id}`, c.student);
      assert.equal(session.json().status, 'completed');
      const attendance = (await api('GET', `/api/live-sessions/${old.id}/attendance`)).json();
      const sam = attendance.students.find((s: { userId: string }) => s.userId === `${c.courseId}-s1`);
      assert.ok(sam?.firstJoin, JSON.stringify(attendance));
      assert.equal((await api('GET', `/api/live-sessions/${old.id}/chat?limit=100`, c.student)).json().items.length, 12);
      assert.equal((await api('GET', `/api/live-sessions/${old.id}/qa`, c.student)).json().items.length, 1);
      const poll = (await api('GET', `/api/live-sessions/${old.id}/polls/${old.pollId}`)).json();
      assert.equal(poll.results.total, 1);
    });

    test('the scheduled job runs once at start, and EVENT_RETENTION_DAYS=0 keeps everything', async () => {
      const old = await classThatEnded(400);
      const keepAll = startEventRetention(t.db, { retentionDays: 0, log: t.app.log });
      await keepAll.stop();
      assert.equal(await eventCount(old.id), old.events);
      const job = startEventRetention(t.db, { retentionDays: 30, log: t.app.log, intervalMs: 3600_000 });
      await eventually(async () => (await eventCount(old.id)) === 0, 'the first run at start', 20_000);
      await job.stop();
    });
  });
}
