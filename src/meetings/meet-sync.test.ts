import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { eventually } from '../test/eventually.ts';
import { type FakeGoogle, startFakeGoogle } from '../test/fake-google.ts';
import { exhausted, type FakeMeet, scopeMissing, startFakeMeet, unavailable } from '../test/fake-meet.ts';
import { auditRows, dbTargets, makeTestApp, type TestApp } from '../test/harness.ts';
import { assertError } from '../test/http.ts';
import { meetingCodeOf } from './meet-attendance.ts';

const COURSE = 'meet-course';

for (const target of await dbTargets('Google Meet attendance sync')) {
  describe(`Google Meet attendance after the class, through fake Calendar and Meet APIs, on ${target}`, () => {
    let google: FakeGoogle;
    let meet: FakeMeet;
    let t: TestApp;
    let mentor: string;
    let student: string;

    const put = (id: string, status: string) =>
      t.request({ method: 'PUT', url: `/api/live-sessions/${id}`, token: mentor, body: { status } });
    const resync = (id: string, token = mentor) =>
      t.request({ method: 'POST', url: `/api/live-sessions/${id}/report/meeting-sync`, token });
    const row = (id: string) =>
      t.db
        .selectFrom('live_sessions')
        .select(['meeting_sync_status', 'meeting_sync_error', 'meeting_synced_at', 'meeting_url'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const syncJobs = (id: string) =>
      t.db.selectFrom('meeting_jobs').selectAll().where('session_id', '=', id).where('operation', '=', 'sync').execute();
    const segments = (id: string) =>
      t.db.selectFrom('meeting_participant_segments').selectAll().where('session_id', '=', id).orderBy('joined_at').execute();
    const settled = (id: string) =>
      eventually(async () => {
        const r = await row(id);
        return r.meeting_sync_status === 'done' || r.meeting_sync_status === 'failed' ? r : undefined;
      }, 'the meeting sync to settle');

    /** A live Google Meet class whose meeting, of the returned code, has Sam in it. */
    async function liveGoogleClass(opts: { record?: boolean } = {}) {
      const res = await t.request({
        method: 'POST',
        url: '/api/live-sessions',
        token: mentor,
        body: {
          courseId: COURSE,
          title: 'Graphs',
          scheduledStart: new Date().toISOString(),
          durationMinutes: 60,
          meeting: { provider: 'google' },
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const id: string = res.json().id;
      const url = await eventually(async () => (await row(id)).meeting_url ?? undefined, 'the Meet link');
      const code = meetingCodeOf(url);
      assert.ok(code, url);
      assert.equal((await put(id, 'live')).statusCode, 200);
      if (opts.record !== false) {
        const now = Date.now();
        const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();
        meet.addRecord(code, at(-10), undefined, [
          { who: { user: 'users/1', displayName: 'Sam' }, sessions: [[at(-5), at(-1)], [at(-0.5)]] },
          { who: { anonymous: 'Visitor' }, sessions: [[at(-4), at(-2)]] },
        ]);
      }
      return { id, code };
    }
    const recordListsOf = (code: string) => meet.recordLists().filter((r) => r.query.filter?.includes(code));

    before(async () => {
      google = await startFakeGoogle();
      meet = await startFakeMeet();
      t = await makeTestApp(target, { ...google.env(), ...meet.env(), MEETING_PROVIDERS: 'google,jitsi,manual' });
      const admin = await t.token({ sub: 'lms', role: 'admin' });
      const roster = await t.request({
        method: 'PUT',
        url: `/api/courses/${COURSE}/members`,
        token: admin,
        body: {
          members: [
            { userId: 'm1', name: 'Mia', role: 'mentor', email: 'mia@school.example' },
            { userId: 's1', name: 'Sam', role: 'student', email: 'SAM@school.example' },
            { userId: 's2', name: 'Sky', role: 'student', email: 'sky@school.example' },
          ],
        },
      });
      assert.equal(roster.statusCode, 200, roster.body);
      mentor = await t.token({ sub: 'm1', role: 'mentor' });
      student = await t.token({ sub: 's1', role: 'student' });
    });
    after(async () => {
      await t.close();
      await meet.close();
      await google.close();
    });
    beforeEach(() => {
      meet.reset();
      meet.people.set('users/1', ['sam@school.example']);
    });

    test('ending a Google Meet class owes the sync in the same change; it reads the meeting into the segments', async () => {
      const { id, code } = await liveGoogleClass();
      assert.equal((await row(id)).meeting_sync_status, 'none');
      assert.equal((await put(id, 'completed')).statusCode, 200);
      assert.notEqual((await row(id)).meeting_sync_status, 'none', 'owed by the change that ended the class');
      const done = await settled(id);
      assert.equal(done.meeting_sync_status, 'done', done.meeting_sync_error ?? '');
      assert.equal(done.meeting_sync_error, null);
      assert.ok(done.meeting_synced_at);
      const rows = await segments(id);
      assert.deepEqual(
        rows.map((r) => [r.user_id, r.display_name, r.left_at === null]),
        [
          ['s1', 'Sam', false],
          [null, 'Visitor', false],
          ['s1', 'Sam', true],
        ],
      );
      assert.equal(rows[0]?.email, 'sam@school.example');
      assert.equal(recordListsOf(code).length, 1);
      assert.deepEqual(await syncJobs(id), [], 'the job is gone once done');
      const audited = (await auditRows(t.db, { action: 'meeting.attendance_synced' })).filter((r) => r.session_id === id);
      assert.equal(audited.length, 1);
    });

    test('a Jitsi class ends with no sync owed and stays none', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/live-sessions',
        token: mentor,
        body: {
          courseId: COURSE,
          title: 'Jitsi',
          scheduledStart: new Date().toISOString(),
          durationMinutes: 60,
          meeting: { provider: 'jitsi' },
        },
      });
      const id: string = res.json().id;
      await put(id, 'live');
      await put(id, 'completed');
      assert.deepEqual(await syncJobs(id), []);
      assert.equal((await row(id)).meeting_sync_status, 'none');
      assertError(await resync(id), 409, 'MEETING_SYNC_UNAVAILABLE');
    });

    test('403 for a missing scope fails the sync with the reason, and is never retried', async () => {
      const { id, code } = await liveGoogleClass();
      meet.failWhen((r) => r.query.filter?.includes(code) ?? false, scopeMissing());
      await put(id, 'completed');
      const failed = await settled(id);
      assert.equal(failed.meeting_sync_status, 'failed');
      assert.match(failed.meeting_sync_error ?? '', /lack the scope https:\/\/www\.googleapis\.com\/auth\/meetings\.space\.readonly/);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(recordListsOf(code).length, 1);
      assert.deepEqual(await segments(id), []);
    });

    test('429 and 503 are retried with backoff, then the sync succeeds', async () => {
      const { id, code } = await liveGoogleClass();
      const mine = (r: { query: Record<string, string> }) => r.query.filter?.includes(code) ?? false;
      meet.failWhen(mine, exhausted(0), unavailable());
      await put(id, 'completed');
      const done = await settled(id);
      assert.equal(done.meeting_sync_status, 'done', done.meeting_sync_error ?? '');
      assert.equal(recordListsOf(code).length, 3);
      assert.equal((await segments(id)).length, 3);
    });

    test('a record that appears a little after the class is waited for', async () => {
      const { id, code } = await liveGoogleClass({ record: false });
      await put(id, 'completed');
      await eventually(async () => recordListsOf(code).length >= 2, 'a second look for the record');
      const pending = await row(id);
      assert.equal(pending.meeting_sync_status, 'pending');
      assert.match(pending.meeting_sync_error ?? '', /No Google Meet record/);
      meet.addRecord(code, new Date(Date.now() - 600_000).toISOString(), undefined, [
        { who: { user: 'users/1', displayName: 'Sam' }, sessions: [[new Date(Date.now() - 300_000).toISOString()]] },
      ]);
      const done = await settled(id);
      assert.equal(done.meeting_sync_status, 'done');
      assert.deepEqual(
        (await segments(id)).map((r) => r.user_id),
        ['s1'],
      );
    });

    test('a manager re-runs the sync; without a record long after the class it fails as no meeting record found', async () => {
      const { id } = await liveGoogleClass({ record: false });
      assertError(await resync(id), 409, 'MEETING_SYNC_UNAVAILABLE');
      await put(id, 'completed');
      // As if the class had been held yesterday: the wait for Google to write the record is long over.
      const yesterday = new Date(Date.now() - 24 * 3600_000);
      await t.db
        .updateTable('live_sessions')
        .set({ actual_start: new Date(yesterday.getTime() - 3600_000), actual_end: yesterday })
        .where('id', '=', id)
        .execute();
      assertError(await resync(id, student), 403, 'FORBIDDEN');
      const res = await resync(id);
      assert.equal(res.statusCode, 202, res.body);
      assert.equal(res.json().status, 'pending');
      const failed = await settled(id);
      assert.equal(failed.meeting_sync_status, 'failed');
      assert.match(failed.meeting_sync_error ?? '', /^No meeting record found/);
      const asked = (await auditRows(t.db, { action: 'meeting.attendance_sync' })).filter((r) => r.session_id === id);
      assert.deepEqual(
        asked.map((r) => r.outcome),
        ['denied', 'denied', 'success'],
      );
    });
  });
}
