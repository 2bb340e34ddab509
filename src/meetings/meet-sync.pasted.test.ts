import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { eventually } from '../test/eventually.ts';
import { type FakeGoogle, startFakeGoogle } from '../test/fake-google.ts';
import { type FakeMeet, missing, permissionDenied, startFakeMeet } from '../test/fake-meet.ts';
import { dbTargets, makeTestApp, type TestApp } from '../test/harness.ts';
import { assertError } from '../test/http.ts';

const COURSE = 'pasted-course';
const CANNOT_READ = /^The server's Google account cannot read this meeting: .*organised by another account or organisation/;

/** A course with a mentor and Sam, on `t`; the mentor's token. */
async function roster(t: TestApp): Promise<string> {
  const admin = await t.token({ sub: 'lms', role: 'admin' });
  const members = [
    { userId: 'm1', name: 'Mia', role: 'mentor', email: 'mia@school.example' },
    { userId: 's1', name: 'Sam', role: 'student', email: 'sam@school.example' },
  ];
  const res = await t.request({ method: 'PUT', url: `/api/courses/${COURSE}/members`, token: admin, body: { members } });
  assert.equal(res.statusCode, 200, res.body);
  return t.token({ sub: 'm1', role: 'mentor' });
}

/** Drives a class with a pasted link through the API; `end()` completes it. */
function pastedClass(t: TestApp, mentor: string) {
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, body?: object) => t.request({ method, url, token: mentor, body });
  return {
    call,
    async create(url: string) {
      const body = { courseId: COURSE, title: 'Pasted', scheduledStart: new Date().toISOString(), durationMinutes: 60, meeting: { url } };
      const res = await call('POST', '/api/live-sessions', body);
      assert.equal(res.statusCode, 201, res.body);
      const id: string = res.json().id;
      assert.equal((await call('PUT', `/api/live-sessions/${id}`, { status: 'live' })).statusCode, 200);
      return id;
    },
    end: async (id: string) => assert.equal((await call('PUT', `/api/live-sessions/${id}`, { status: 'completed' })).statusCode, 200),
    sync: async (id: string) => (await call('GET', `/api/live-sessions/${id}/report/meeting-sync`)).json(),
    settled: (id: string) =>
      eventually(async () => {
        const s = (await call('GET', `/api/live-sessions/${id}/report`)).json().summary.meetingSync;
        return s.status !== 'pending' && s;
      }, 'the meeting sync to settle'),
  };
}

for (const target of await dbTargets('pasted Google Meet links')) {
  describe(`a pasted Google Meet link is synced like a made one, on ${target}`, () => {
    let google: FakeGoogle;
    let meet: FakeMeet;
    let t: TestApp;
    let cls: ReturnType<typeof pastedClass>;
    const jobs = (id: string) => t.db.selectFrom('meeting_jobs').select('id').where('session_id', '=', id).execute();

    before(async () => {
      google = await startFakeGoogle();
      meet = await startFakeMeet();
      t = await makeTestApp(target, {
        ...google.env(),
        ...meet.env(),
        MEETING_PROVIDER: 'jitsi',
        MEETING_PROVIDERS: 'jitsi,google,manual',
      });
      cls = pastedClass(t, await roster(t));
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

    test('a pasted meet.google.com link with a query owes the sync at its end, reads the meeting, and can be re-run', async () => {
      const id = await cls.create('https://meet.google.com/Pas-tedm-eet?authuser=0&hs=1');
      assert.deepEqual(await cls.sync(id), {
        status: 'none',
        syncedAt: null,
        error: null,
        available: false,
        unavailableReason: 'The class has not been held and ended yet',
      });
      const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
      meet.addRecord('pas-tedm-eet', at(-10), undefined, [{ who: { user: 'users/1', displayName: 'Sam' }, sessions: [[at(-5), at(-1)]] }]);
      await cls.end(id);
      const done = await cls.settled(id);
      assert.equal(done.status, 'done', done.error);
      const rows = await t.db.selectFrom('meeting_participant_segments').select('user_id').where('session_id', '=', id).execute();
      assert.deepEqual(
        rows.map((r) => r.user_id),
        ['s1'],
      );
      assert.equal((await cls.sync(id)).available, true);
      assert.equal((await cls.call('POST', `/api/live-sessions/${id}/report/meeting-sync`)).statusCode, 202);
      assert.equal((await cls.settled(id)).status, 'done');
    });

    test("403, 404 or no record for a pasted link: failed, saying the server's Google account cannot read the meeting", async () => {
      const id = await cls.create('https://meet.google.com/oth-eror-gxx');
      const mine = (r: { query: Record<string, string> }) => r.query.filter?.includes('oth-eror-gxx') ?? false;
      meet.failWhen(mine, permissionDenied());
      await cls.end(id);
      const denied = await cls.settled(id);
      assert.equal(denied.status, 'failed');
      assert.match(denied.error, CANNOT_READ);
      assert.match(denied.error, /403 PERMISSION_DENIED/);

      meet.failWhen(mine, missing());
      assert.equal((await cls.call('POST', `/api/live-sessions/${id}/report/meeting-sync`)).statusCode, 202);
      assert.match((await cls.settled(id)).error, CANNOT_READ);

      // No record at all (Google lists only meetings the account may see), long after the class.
      const yesterday = new Date(Date.now() - 24 * 3600_000);
      await t.db
        .updateTable('live_sessions')
        .set({ actual_start: new Date(yesterday.getTime() - 3600_000), actual_end: yesterday })
        .where('id', '=', id)
        .execute();
      assert.equal((await cls.call('POST', `/api/live-sessions/${id}/report/meeting-sync`)).statusCode, 202);
      const none = await cls.settled(id);
      assert.equal(none.status, 'failed');
      assert.match(none.error, CANNOT_READ);
      assert.match(none.error, /No Google Meet record of oth-eror-gxx/);
    });

    test('a pasted link that is not a Meet meeting (Zoom, a Meet lookup page) ends with status none and no sync to run', async () => {
      for (const id of [await cls.create('https://zoom.us/j/123456789?pwd=x'), await cls.create('https://meet.google.com/lookup/abc')]) {
        await cls.end(id);
        assert.deepEqual(await jobs(id), []);
        const state = await cls.sync(id);
        assert.equal(state.status, 'none');
        assert.equal(state.available, false);
        assert.equal(state.unavailableReason, 'The class was not held on Google Meet');
        assertError(await cls.call('POST', `/api/live-sessions/${id}/report/meeting-sync`), 409, 'MEETING_SYNC_UNAVAILABLE');
      }
      assert.equal(meet.recordLists().length, 0);
    });
  });

  describe(`without Google on the server, a pasted Meet link is not synced, on ${target}`, () => {
    test('status none, and a re-run is refused as turned off', async () => {
      const t = await makeTestApp(target, { MEETING_PROVIDERS: 'jitsi,manual' });
      try {
        const cls = pastedClass(t, await roster(t));
        const id = await cls.create('https://meet.google.com/abc-defg-hij');
        await cls.end(id);
        const state = await cls.sync(id);
        assert.equal(state.status, 'none');
        assert.equal(state.unavailableReason, 'Reading Google Meet attendance is turned off on this server');
        assertError(await cls.call('POST', `/api/live-sessions/${id}/report/meeting-sync`), 409, 'MEETING_SYNC_UNAVAILABLE');
      } finally {
        await t.close();
      }
    });
  });
}
