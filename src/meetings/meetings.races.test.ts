import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../test/eventually.ts';
import { type FakeGoogle, startFakeGoogle } from '../test/fake-google.ts';
import { type Course, dbTargets, makeCourse, makeTestApp, type TestApp } from '../test/harness.ts';

for (const target of await dbTargets('meeting link races')) {
  describe(`meeting links under concurrent changes on ${target}`, () => {
    let fake: FakeGoogle;
    let t: TestApp;
    let c: Course;
    before(async () => {
      fake = await startFakeGoogle();
      t = await makeTestApp(target, fake.env({ MEETING_PROVIDER: 'jitsi', MEETING_PROVIDERS: 'google,jitsi,manual' }));
      c = await makeCourse(t);
    });
    after(async () => {
      await t.close();
      await fake.close();
    });
    const schedule = async (title: string) =>
      (
        await t.request({
          method: 'POST',
          url: '/api/live-sessions',
          token: c.mentor,
          body: { courseId: c.courseId, title, scheduledStart: '2026-12-01T10:00:00.000Z', durationMinutes: 60 },
        })
      ).json();
    /** Once the worker is done: the session's link is the one live event with its title, and nothing is owed. */
    const settledOnOneEvent = async (sessionId: string, title: string) => {
      await eventually(
        async () => (await t.db.selectFrom('meeting_jobs').select('id').where('session_id', '=', sessionId).execute()).length === 0,
        'the jobs to finish',
      );
      const row = await t.db.selectFrom('live_sessions').selectAll().where('id', '=', sessionId).executeTakeFirstOrThrow();
      const live = [...fake.events.values()].filter((e) => e.summary === title && e.status !== 'cancelled');
      assert.equal(row.meeting_status, 'ready', String(row.meeting_error));
      assert.deepEqual(
        live.map((e) => e.id),
        [row.meeting_external_id],
        "exactly the session's event is left in Google Calendar",
      );
      assert.equal(row.meeting_url, live[0]?.hangoutLink);
    };

    test("a double-submitted switch to Google leaves one event, the session's, and no leaked one", async () => {
      for (let round = 0; round < 4; round++) {
        fake.state.conference = { pendingGets: 3 };
        const title = `Double ${round}`;
        const s = await schedule(title);
        const put = () =>
          t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}/meeting`, token: c.mentor, body: { provider: 'google' } });
        const answers = await Promise.all([put(), put()]);
        assert.deepEqual(
          answers.map((a) => a.statusCode),
          [200, 200],
        );
        await settledOnOneEvent(s.id, title);
      }
    });

    test('a retry that races the link becoming ready deletes whichever event the session no longer uses', async () => {
      for (let round = 0; round < 6; round++) {
        fake.state.conference = { pendingGets: 2 };
        const title = `Retry race ${round}`;
        const s = (
          await t.request({
            method: 'POST',
            url: '/api/live-sessions',
            token: c.mentor,
            body: {
              courseId: c.courseId,
              title,
              scheduledStart: '2026-12-01T10:00:00.000Z',
              durationMinutes: 60,
              meeting: { provider: 'google' },
            },
          })
        ).json();
        await new Promise((r) => setTimeout(r, 10 + round * 8));
        const retry = await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/meeting/retry`, token: c.mentor });
        assert.ok([200, 409].includes(retry.statusCode), retry.body);
        await settledOnOneEvent(s.id, title);
      }
    });
  });
}
