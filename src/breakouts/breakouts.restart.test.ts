import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import { eventually } from '../test/eventually.ts';
import { dbTargets, freshDatabase, TEST_SECRET, testConfig } from '../test/harness.ts';

const token = (claims: Claims) => signToken(new TextEncoder().encode(TEST_SECRET), claims, {});

for (const target of await dbTargets('breakout timers across a restart')) {
  describe(`breakout timers survive a restart on ${target}`, () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    before(async () => (database = await freshDatabase(target)));
    after(() => database.drop());

    const start = async () => {
      const app = await buildApp(testConfig(), { db: database.db, logger: false });
      await app.ready();
      return app;
    };
    /** Every room of the class has ended (they end after the round's commit, in the background). */
    const roomsEnded = (classId: string) =>
      eventually(async () => {
        const rooms = await database.db.selectFrom('live_sessions').select('status').where('parent_session_id', '=', classId).execute();
        return rooms.length > 0 && rooms.every((r) => r.status === 'completed');
      }, 'the rooms to end');
    const call = async (app: FastifyInstance, bearer: string, method: 'POST' | 'PUT', url: string, payload: unknown) => {
      const res = await app.inject({ method, url, headers: { authorization: `Bearer ${bearer}` }, payload: payload as object });
      assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };

    test('a round stopped while closing closes on time in the next process; one stopped while open warns on time', async () => {
      const first = await start();
      const admin = await token({ sub: 'lms', role: 'admin', name: 'LMS' });
      const mentor = await token({ sub: 'm1', role: 'mentor', name: 'Mia' });
      const members = [
        { userId: 'm1', name: 'Mia', role: 'mentor' },
        { userId: 's1', name: 'Sam', role: 'student' },
      ];
      await call(first, admin, 'PUT', '/api/courses/c1/members', { members });
      const liveClass = async () => {
        const body = { courseId: 'c1', title: 'Restart-proof class', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 45 };
        const s = await call(first, mentor, 'POST', '/api/live-sessions', body);
        await call(first, mentor, 'PUT', `/api/live-sessions/${s.id}`, { status: 'live' });
        return s.id as string;
      };
      const open = (sessionId: string, warningSeconds: number) =>
        call(first, mentor, 'POST', `/api/live-sessions/${sessionId}/breakouts`, {
          rooms: 2,
          assignment: 'manual',
          assignments: { s1: 0 },
          durationMinutes: 1,
          warningSeconds,
        });
      const closingClass = await liveClass();
      const closing = (await open(closingClass, 2)).round;
      const shortened = await call(first, mentor, 'POST', `/api/live-sessions/${closingClass}/breakouts/${closing.id}/timer`, {
        addMinutes: -1,
      });
      assert.equal(shortened.round.status, 'closing');
      const openClass = await liveClass();
      const stillOpen = (await open(openClass, 57)).round;
      await first.close(); // both timers were armed in this process only

      const second = await start();
      try {
        const row = (id: string) => database.db.selectFrom('breakout_rounds').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        const closed = await eventually(
          async () => ((await row(closing.id)).status === 'closed' ? row(closing.id) : undefined),
          'the close',
        );
        const late = (closed.closed_at as Date).getTime() - Date.parse(shortened.round.endsAt);
        assert.ok(late >= 0 && late < 1000, `closed on time (${late} ms after endsAt)`);
        await roomsEnded(closingClass);
        const warned = await eventually(
          async () => ((await row(stillOpen.id)).status === 'closing' ? row(stillOpen.id) : undefined),
          'the warning',
        );
        const lateWarning = (warned.closing_at as Date).getTime() - (warned.ends_at.getTime() - 57_000);
        assert.ok(lateWarning >= 0 && lateWarning < 1000, `warned on time (${lateWarning} ms late)`);
        const log = await database.db
          .selectFrom('session_events')
          .select('event')
          .where('session_id', '=', closingClass)
          .orderBy('seq')
          .execute();
        assert.equal(log.filter((e) => e.event === 'breakout:closed').length, 1, 'closed once');
      } finally {
        await second.close();
      }
    });

    test('a round closed by a process that stopped before its rooms ended: the next process ends them', async () => {
      const first = await start();
      const admin = await token({ sub: 'lms', role: 'admin', name: 'LMS' });
      const mentor = await token({ sub: 'm1', role: 'mentor', name: 'Mia' });
      const members = [
        { userId: 'm1', name: 'Mia', role: 'mentor' },
        { userId: 's1', name: 'Sam', role: 'student' },
      ];
      await call(first, admin, 'PUT', '/api/courses/c2/members', { members });
      const body = { courseId: 'c2', title: 'Crash between close and rooms', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 45 };
      const s = await call(first, mentor, 'POST', '/api/live-sessions', body);
      await call(first, mentor, 'PUT', `/api/live-sessions/${s.id}`, { status: 'live' });
      const { round } = await call(first, mentor, 'POST', `/api/live-sessions/${s.id}/breakouts`, {
        rooms: 2,
        assignment: 'manual',
        assignments: { s1: 0 },
        durationMinutes: 30,
      });
      await first.close();
      // What the close committed before the process died: the round's row, nothing of its rooms.
      const closedAt = new Date();
      await database.db
        .updateTable('breakout_rounds')
        .set({ status: 'closed', closed_at: closedAt, ends_at: closedAt })
        .where('id', '=', round.id)
        .execute();
      const live = await database.db.selectFrom('live_sessions').select('status').where('parent_session_id', '=', s.id).execute();
      assert.deepEqual(
        live.map((r) => r.status),
        ['live', 'live'],
      );

      const second = await start();
      try {
        await roomsEnded(s.id);
        const ends = await database.db.selectFrom('live_sessions').select('actual_end').where('parent_session_id', '=', s.id).execute();
        for (const r of ends) assert.equal(r.actual_end?.getTime(), closedAt.getTime(), "ended at the round's close");
      } finally {
        await second.close();
      }
    });
  });
}
