import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../app.ts';
import { type FakeGoogle, serverError, startFakeGoogle } from '../test/fake-google.ts';
import { dbTargets, freshDatabase, TEST_SECRET, testConfig } from '../test/harness.ts';
import { signToken } from '../auth/tokens.ts';
import type { Claims } from '../auth/actor.ts';
import { eventually } from '../test/eventually.ts';

const token = (claims: Claims) => signToken(new TextEncoder().encode(TEST_SECRET), claims, {});

for (const target of await dbTargets('meeting jobs across a restart')) {
  describe(`pending meeting work survives a restart on ${target}`, () => {
    let fake: FakeGoogle;
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    before(async () => {
      fake = await startFakeGoogle();
      database = await freshDatabase(target);
    });
    after(async () => {
      await database.drop();
      await fake.close();
    });

    test('a link whose creation was failing when the process stopped is made by the next process', async () => {
      const start = async (retryBaseMs: string) => {
        const app = await buildApp(testConfig(fake.env({ MEETING_RETRY_BASE_MS: retryBaseMs, MEETING_RETRY_MAX_MS: '60000' })), {
          db: database.db,
          logger: false,
        });
        await app.ready();
        return app;
      };
      const first = await start('1500');
      const admin = await token({ sub: 'lms', role: 'admin', name: 'LMS' });
      const mentor = await token({ sub: 'm1', role: 'mentor', name: 'Mia' });
      const roster = { members: [{ userId: 'm1', name: 'Mia', role: 'mentor' }] };
      await first.inject({ method: 'PUT', url: '/api/courses/c1/members', headers: { authorization: `Bearer ${admin}` }, payload: roster });
      fake.failWhen((r) => r.body?.summary === 'Restart-proof class', serverError());
      const body = { courseId: 'c1', title: 'Restart-proof class', scheduledStart: '2026-12-01T10:00:00Z', durationMinutes: 45 };
      const created = await first.inject({
        method: 'POST',
        url: '/api/live-sessions',
        headers: { authorization: `Bearer ${mentor}` },
        payload: body,
      });
      const s = created.json();
      assert.equal(s.meeting.status, 'pending');
      await eventually(() => fake.insertsOf('Restart-proof class').length === 1, 'the first, failing attempt');
      await eventually(
        async () => (await database.db.selectFrom('meeting_jobs').select('attempts').executeTakeFirst())?.attempts === 1,
        'the retry to be scheduled',
      );
      await first.close(); // stopped while the retry waits out its backoff

      const second = await start('20');
      try {
        const meeting = await eventually(async () => {
          const res = await second.inject({
            method: 'GET',
            url: `/api/live-sessions/${s.id}`,
            headers: { authorization: `Bearer ${mentor}` },
          });
          const m = res.json().meeting;
          return m.status === 'ready' ? m : undefined;
        }, 'the link after the restart');
        assert.equal(meeting.url, fake.eventOf('Restart-proof class').hangoutLink);
        const inserts = fake.insertsOf('Restart-proof class');
        assert.equal(inserts.length, 2);
        assert.equal(inserts[0]?.body.id, inserts[1]?.body.id);
        assert.equal(await database.db.selectFrom('meeting_jobs').select('id').executeTakeFirst(), undefined, 'nothing is owed any more');
      } finally {
        await second.close();
      }
    });
  });
}
