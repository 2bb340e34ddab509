import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type FakeGoogle, rateLimited, serverError, startFakeGoogle, tooMany } from '../test/fake-google.ts';
import { auditRows, type Course, dbTargets, makeCourse, makeTestApp, type TestApp } from '../test/harness.ts';
import { eventually } from '../test/eventually.ts';
import { assertError } from '../test/http.ts';
import { connect, listen, recorder, request } from '../test/sockets.ts';

for (const target of await dbTargets('meeting links')) {
  describe(`Google Meet links through a fake Calendar API on ${target}`, () => {
    let fake: FakeGoogle;
    let t: TestApp;
    let c: Course;
    let n = 0;
    const title = () => `Graph algorithms ${++n}`;
    const schedule = async (name: string, extra: Record<string, unknown> = {}) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/live-sessions',
        token: c.mentor,
        body: { courseId: c.courseId, title: name, scheduledStart: '2026-12-01T10:00:00.000Z', durationMinutes: 60, ...extra },
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    };
    const meetingOf = async (id: string, token = c.mentor) =>
      (await t.request({ method: 'GET', url: `/api/live-sessions/${id}`, token })).json().meeting;
    const settled = (id: string) =>
      eventually(async () => {
        const m = await meetingOf(id);
        return m.status === 'pending' ? undefined : m;
      }, 'the meeting link to settle');

    before(async () => {
      fake = await startFakeGoogle();
      t = await makeTestApp(target, fake.env());
      c = await makeCourse(t);
    });
    after(async () => {
      await t.close();
      await fake.close();
    });
    beforeEach(() => {
      fake.state.conference = 'success';
      fake.state.tokenError = null;
    });

    test('a session is saved with a pending link, which becomes the Meet link, announced by session:updated', async () => {
      fake.state.conference = { pendingGets: 2 };
      const name = title();
      const s = await schedule(name);
      assert.deepEqual(s.meeting, { provider: 'google', url: null, status: 'pending', error: null });
      const student = await connect(await listen(t), c.student);
      const heard = recorder(student);
      const joined = await request(student, 'session:join', { sessionId: s.id, sinceSeq: 0 });
      assert.equal(joined.ok, true);
      // The link may be made before the join (then the event is in the join's replay) or after (then it arrives live).
      const isReady = (e: { event: string; payload: any }) => e.event === 'session:updated' && e.payload.session.meeting.status === 'ready';
      const replayed = joined.ok ? (joined.data.events as { event: string; payload: any }[]).find(isReady) : undefined;
      const ready = replayed ?? (await heard.waitFor(isReady));
      assert.deepEqual(ready.payload.session.meeting, { provider: 'google', url: null, status: 'ready', error: null });
      student.close();

      const event = fake.eventOf(name);
      assert.match(event.hangoutLink, /^https:\/\/meet\.google\.com\//);
      assert.deepEqual(await meetingOf(s.id), { provider: 'google', url: event.hangoutLink, status: 'ready', error: null });
      assert.equal((await meetingOf(s.id, c.student)).url, null);
      const join = await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: c.student });
      assert.equal(join.json().meeting.url, event.hangoutLink);
      const [insert, ...more] = fake.insertsOf(name);
      assert.equal(more.length, 0);
      assert.equal(insert?.query.conferenceDataVersion, '1');
      assert.equal(insert?.body.end.dateTime, '2026-12-01T11:00:00.000Z');
      assert.equal((await auditRows(t.db, { action: 'meeting.ready' })).filter((r) => r.session_id === s.id).length, 1);
    });

    test('403 rateLimitExceeded, 429 and 500 are retried with backoff, each create with a fresh requestId', async () => {
      const name = title();
      fake.failWhen((r) => r.body?.summary === name, rateLimited('userRateLimitExceeded'), tooMany(0), serverError());
      const s = await schedule(name);
      const meeting = await settled(s.id);
      assert.equal(meeting.status, 'ready');
      assert.equal(meeting.url, fake.eventOf(name).hangoutLink);
      const inserts = fake.insertsOf(name);
      assert.equal(inserts.length, 4);
      assert.equal(new Set(inserts.map((r) => r.body.id)).size, 1, 'one event id across attempts: no duplicate events');
      assert.equal(new Set(inserts.map((r) => r.body.conferenceData.createRequest.requestId)).size, 4);
    });

    test('after MEETING_MAX_ATTEMPTS the link fails with the reason, which only managers see', async () => {
      const name = title();
      fake.failWhen((r) => r.body?.summary === name, ...Array.from({ length: 8 }, serverError));
      const s = await schedule(name);
      const meeting = await settled(s.id);
      assert.equal(meeting.status, 'failed');
      assert.equal(meeting.url, null);
      assert.match(meeting.error, /500 backendError.*gave up after 8 attempts/);
      assert.equal(fake.insertsOf(name).length, 8);
      assert.deepEqual(await meetingOf(s.id, c.student), { provider: 'google', url: null, status: 'failed', error: null });
      const failed = (await auditRows(t.db, { action: 'meeting.failed' })).filter((r) => r.session_id === s.id);
      assert.equal(failed.length, 1);
      assert.equal(failed[0]?.actor_id, null);
    });

    test('a revoked grant (invalid_grant) fails at once; after the fix the mentor retries and gets a new event', async () => {
      fake.revoke();
      const name = title();
      const s = await schedule(name);
      const failed = await settled(s.id);
      assert.equal(failed.status, 'failed');
      assert.match(failed.error, /invalid_grant.*npm run google:auth/);
      assert.ok(fake.insertsOf(name).length <= 1, 'one 401 with the dead access token, then the token endpoint says why');

      fake.state.tokenError = null;
      assertError(await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/meeting/retry`, token: c.student }), 403, 'FORBIDDEN');
      const retried = await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/meeting/retry`, token: c.mentor });
      assert.equal(retried.statusCode, 200, retried.body);
      assert.deepEqual(retried.json().meeting, { provider: 'google', url: null, status: 'pending', error: null });
      const ready = await settled(s.id);
      assert.equal(ready.url, fake.eventOf(name).hangoutLink);
      assertError(
        await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/meeting/retry`, token: c.mentor }),
        409,
        'MEETING_NOT_RETRYABLE',
      );
    });

    test('a new title or time is patched into the event, and cancelling the class deletes it', async () => {
      const name = title();
      const s = await schedule(name);
      await settled(s.id);
      const eventId = fake.eventOf(name).id;
      const put = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${s.id}`,
        token: c.mentor,
        body: { title: `${name} (moved)`, scheduledStart: '2026-12-02T09:00:00.000Z' },
      });
      assert.equal(put.statusCode, 200, put.body);
      const patch = await eventually(() => fake.calendarRequests('PATCH').find((r) => r.path.endsWith(`/events/${eventId}`)), 'the patch');
      assert.equal(patch.body.summary, `${name} (moved)`);
      assert.deepEqual(patch.body.start, { dateTime: '2026-12-02T09:00:00.000Z' });
      assert.deepEqual(patch.body.end, { dateTime: '2026-12-02T10:00:00.000Z' });
      const settingsOnly = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${s.id}`,
        token: c.mentor,
        body: { settings: { chatEnabled: false } },
      });
      assert.equal(settingsOnly.statusCode, 200);
      assert.equal((await t.request({ method: 'DELETE', url: `/api/live-sessions/${s.id}`, token: c.mentor })).statusCode, 200);
      await eventually(() => fake.events.get(eventId).status === 'cancelled', 'the event to be deleted');
      assert.equal(
        fake.calendarRequests('PATCH').filter((r) => r.path.endsWith(`/events/${eventId}`)).length,
        1,
        'settings are not sent to Google',
      );
    });

    test('an edit made while the link is being created still reaches the event', async () => {
      fake.state.conference = { pendingGets: 4 };
      const name = title();
      const s = await schedule(name);
      await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { title: `${name} v2` } });
      await eventually(
        async () => (await meetingOf(s.id)).status === 'ready' && fake.eventOf(`${name} v2`),
        'the new title in Google Calendar',
      );
    });

    test('the mentor replaces the link with a pasted one; the old event is deleted and the room is told', async () => {
      const name = title();
      const s = await schedule(name);
      await settled(s.id);
      const replace = (body: unknown, token = c.mentor) =>
        t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}/meeting`, token, body });
      assertError(await replace({ url: 'https://zoom.us/j/1' }, c.student), 403, 'FORBIDDEN');
      assertError(await replace({ url: 'http://zoom.us/j/1' }), 400, 'VALIDATION_FAILED');
      assertError(await replace({ url: 'https://user:pw@zoom.us/j/1' }), 400, 'VALIDATION_FAILED');
      assertError(await replace({ provider: 'manual' }), 400, 'VALIDATION_FAILED');
      assertError(await replace({ provider: 'google', url: 'https://zoom.us/j/1' }), 400, 'VALIDATION_FAILED');
      const refused = await replace({ provider: 'jitsi' });
      assertError(refused, 400, 'VALIDATION_FAILED');
      assert.deepEqual(refused.json().error.details, [{ field: 'body.provider', message: 'must be one of: google, manual' }]);
      const res = await replace({ url: 'https://zoom.us/j/987654321?pwd=abc' });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().meeting, {
        provider: 'manual',
        url: 'https://zoom.us/j/987654321?pwd=abc',
        status: 'ready',
        error: null,
      });
      await eventually(() => fake.eventOf(name).status === 'cancelled', 'the replaced event to be deleted');
      assertError(
        await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/meeting/retry`, token: c.mentor }),
        409,
        'MEETING_NOT_RETRYABLE',
      );
      const rows = await auditRows(t.db, { action: 'meeting.replace', outcome: 'success' });
      assert.deepEqual(
        rows.filter((r) => r.session_id === s.id).map((r) => r.details),
        [{ from: 'google', to: 'manual' }],
      );
    });
  });
}
