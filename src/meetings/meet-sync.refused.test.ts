import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import { eventually } from '../test/eventually.ts';
import { type FakeGoogle, startFakeGoogle } from '../test/fake-google.ts';
import { exhausted, type FakeMeet, startFakeMeet } from '../test/fake-meet.ts';
import { auditRows, dbTargets, freshDatabase, TEST_SECRET, testConfig } from '../test/harness.ts';
import { meetingCodeOf } from './meet-attendance.ts';

const token = (claims: Claims) => signToken(new TextEncoder().encode(TEST_SECRET), claims, {});

for (const target of await dbTargets('a Meet sync refused when it runs')) {
  describe(`a Meet sync that can no longer run is recorded as failed, on ${target}`, () => {
    let google: FakeGoogle;
    let meet: FakeMeet;
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    before(async () => {
      google = await startFakeGoogle();
      meet = await startFakeMeet();
      database = await freshDatabase(target);
    });
    after(async () => {
      await database.drop();
      await meet.close();
      await google.close();
    });

    const start = async (env: Record<string, string>) => {
      // A 429 asking for ten minutes keeps the owed sync waiting in meeting_jobs between the two processes.
      const config = testConfig({
        ...google.env({ MEETING_RETRY_BASE_MS: '600000', MEETING_RETRY_MAX_MS: '600000' }),
        ...meet.env(),
        ...env,
      });
      const app = await buildApp(config, { db: database.db, logger: false });
      await app.ready();
      return app;
    };
    const call = async (app: FastifyInstance, bearer: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${bearer}` }, ...(payload && { payload }) });

    test('a Google class ended with the feature on, whose sync runs with it off: failed, with the reason in the report', async () => {
      const first = await start({});
      const admin = await token({ sub: 'lms', role: 'admin', name: 'LMS' });
      const mentor = await token({ sub: 'm1', role: 'mentor', name: 'Mia' });
      const roster = { members: [{ userId: 'm1', name: 'Mia', role: 'mentor' }] };
      assert.equal((await call(first, admin, 'PUT', '/api/courses/c1/members', roster)).statusCode, 200);
      const body = { courseId: 'c1', title: 'Turned off', scheduledStart: new Date().toISOString(), durationMinutes: 60 };
      const id: string = (await call(first, mentor, 'POST', '/api/live-sessions', body)).json().id;
      const url = await eventually(
        async () => (await call(first, mentor, 'GET', `/api/live-sessions/${id}`)).json().meeting.url ?? undefined,
        'the link',
      );
      const code = meetingCodeOf(url);
      assert.ok(code);
      meet.failWhen((r) => r.query.filter?.includes(code) ?? false, exhausted(600));
      assert.equal((await call(first, mentor, 'PUT', `/api/live-sessions/${id}`, { status: 'live' })).statusCode, 200);
      assert.equal((await call(first, mentor, 'PUT', `/api/live-sessions/${id}`, { status: 'completed' })).statusCode, 200);
      const job = () => database.db.selectFrom('meeting_jobs').selectAll().where('operation', '=', 'sync').executeTakeFirst();
      await eventually(async () => (await job())?.attempts === 1, 'the first attempt, told to wait');
      await first.close();

      // The operator turns the feature off; the owed sync falls due on the next process.
      await database.db.updateTable('meeting_jobs').set({ run_at: new Date() }).execute();
      const second = await start({ GOOGLE_MEET_ATTENDANCE: 'false' });
      try {
        const sync = await eventually(async () => {
          const s = (await call(second, mentor, 'GET', `/api/live-sessions/${id}/report`)).json().summary.meetingSync;
          return s.status !== 'pending' && s;
        }, 'the sync to settle');
        assert.equal(sync.status, 'failed');
        assert.equal(sync.error, 'Reading Google Meet attendance is turned off on this server');
        assert.equal(await job(), undefined, 'nothing is owed any more');
        const audited = await auditRows(database.db, { action: 'meeting.attendance_sync_failed' });
        assert.equal(audited.length, 1);
      } finally {
        await second.close();
      }
    });
  });
}
