import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/kysely.ts';
import { eventually } from '../test/eventually.ts';
import { type FakeGoogle, startFakeGoogle } from '../test/fake-google.ts';
import { type FakeMeet, type FakeParticipant, startFakeMeet } from '../test/fake-meet.ts';
import { auditRows, dbTargets, freshDatabase, makeTestApp, testConfig } from '../test/harness.ts';
import { meetingCodeOf } from './meet-attendance.ts';
import { createMeetClient } from './meet-client.ts';
import { createMeetSync } from './meet-sync.job.ts';
import { oweMeetSync } from './meet-sync.repo.ts';
import { createMeetingWorker } from './meeting-worker.ts';
import { createMeetingProviders } from './providers.ts';

const STUDENTS = 300;
const PARTICIPANTS = 1000;

/** 1,000 people: the first 300 signed in as the roster's students, every tenth with three joins (two pages of sessions). */
function crowd(at: (minutes: number) => string): FakeParticipant[] {
  return Array.from({ length: PARTICIPANTS }, (_, i) => {
    const joins: [string, string][] = [[at(-50), at(-40)]];
    if (i % 10 === 0) joins.push([at(-35), at(-30)], [at(-25), at(-5)]);
    return { who: i < STUDENTS ? { user: `users/${i}`, displayName: `Student ${i}` } : { anonymous: `Guest ${i}` }, sessions: joins };
  });
}

for (const target of await dbTargets('a large Google Meet sync')) {
  describe(`a 1,000-participant Google Meet is read completely, on ${target}`, () => {
    let google: FakeGoogle;
    let meet: FakeMeet;
    before(async () => {
      google = await startFakeGoogle();
      meet = await startFakeMeet();
    });
    after(async () => {
      await meet.close();
      await google.close();
    });
    beforeEach(() => meet.reset());

    test('every participant and every page of sessions is read; every segment is stored and matched', async () => {
      const t = await makeTestApp(target, { ...google.env(), ...meet.env() });
      try {
        const admin = await t.token({ sub: 'lms', role: 'admin' });
        const members = [
          { userId: 'm1', name: 'Mia', role: 'mentor', email: 'mia@school.example' },
          ...Array.from({ length: STUDENTS }, (_, i) => ({
            userId: `s${i}`,
            name: `Student ${i}`,
            role: 'student',
            email: `s${i}@school.example`,
          })),
        ];
        assert.equal(
          (await t.request({ method: 'PUT', url: '/api/courses/big/members', token: admin, body: { members } })).statusCode,
          200,
        );
        for (let i = 0; i < STUDENTS; i++) meet.people.set(`users/${i}`, [`s${i}@school.example`]);
        // Google's page sizes: 250 participants, and (here) two sessions a page so every tenth person takes two pages.
        meet.state.pageSizes = { participants: 250, participantSessions: 2 };
        const mentor = await t.token({ sub: 'm1', role: 'mentor' });
        const body = { courseId: 'big', title: 'Lecture hall', scheduledStart: new Date().toISOString(), durationMinutes: 60 };
        const id: string = (await t.request({ method: 'POST', url: '/api/live-sessions', token: mentor, body })).json().id;
        const row = () => t.db.selectFrom('live_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        const code = meetingCodeOf(await eventually(async () => (await row()).meeting_url ?? undefined, 'the Meet link'));
        assert.ok(code);
        await t.request({ method: 'PUT', url: `/api/live-sessions/${id}`, token: mentor, body: { status: 'live' } });
        const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
        meet.addRecord(code, at(-55), undefined, crowd(at));

        const started = performance.now();
        await t.request({ method: 'PUT', url: `/api/live-sessions/${id}`, token: mentor, body: { status: 'completed' } });
        const done = await eventually(
          async () => ((await row()).meeting_sync_status !== 'pending' ? row() : undefined),
          'the sync',
          120_000,
        );
        const seconds = (performance.now() - started) / 1000;
        console.log(`# ${target}: 1,000 participants synced in ${seconds.toFixed(1)} s (${meet.requests.length} requests)`);
        assert.equal(done.meeting_sync_status, 'done', String(done.meeting_sync_error));

        const segments = await t.db.selectFrom('meeting_participant_segments').selectAll().where('session_id', '=', id).execute();
        assert.equal(segments.length, PARTICIPANTS + 2 * (PARTICIPANTS / 10));
        assert.equal(new Set(segments.map((s) => s.participant)).size, PARTICIPANTS);
        assert.equal(new Set(segments.flatMap((s) => (s.user_id ? [s.user_id] : []))).size, STUDENTS);
        const s0 = segments.filter((s) => s.user_id === 's0');
        assert.equal(s0.length, 3, 'the second page of a participant’s sessions is read');
        const pagesRead = meet.requests.filter((r) => r.path.endsWith('/participantSessions') && r.query.pageToken).length;
        assert.equal(pagesRead, PARTICIPANTS / 10);
      } finally {
        await t.close();
      }
    });
  });

  describe(`a long sync keeps its lease, and a lost lease records nothing, on ${target}`, () => {
    let google: FakeGoogle;
    let meet: FakeMeet;
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let db: Db;
    const CODE = 'lea-sess-ync';
    const log = { info() {}, warn() {}, error() {}, debug() {} } as unknown as FastifyBaseLogger;
    const LEASE_MS = 300;

    before(async () => {
      google = await startFakeGoogle();
      meet = await startFakeMeet();
      database = await freshDatabase(target);
      db = database.db;
      await db
        .insertInto('users')
        .values([
          { id: 'm1', name: 'Mia', email: 'mia@school.example', role: 'mentor', updated_at: new Date() },
          { id: 's1', name: 'Sam', email: 'sam@school.example', role: 'student', updated_at: new Date() },
        ])
        .execute();
      await db.insertInto('course_members').values({ course_id: 'c1', user_id: 's1', role: 'student', updated_at: new Date() }).execute();
    });
    after(async () => {
      await database.drop();
      await meet.close();
      await google.close();
    });

    /** A Google Meet class that ended a minute ago, owing its sync, with Sam in its meeting. */
    async function endedClass(): Promise<string> {
      meet.reset();
      meet.people.set('users/1', ['sam@school.example']);
      const at = (minutes: number) => new Date(Date.now() + minutes * 60_000);
      const { id } = await db
        .insertInto('live_sessions')
        .values({
          course_id: 'c1',
          title: 'Lease',
          mentor_id: 'm1',
          scheduled_start: at(-61),
          duration_minutes: 60,
          status: 'completed',
          actual_start: at(-60),
          actual_end: at(-1),
          meeting_provider: 'google',
          meeting_url: `https://meet.google.com/${CODE}`,
          meeting_status: 'ready',
          meeting_error: null,
          meeting_synced_at: null,
          meeting_sync_error: null,
          last_seq: 0,
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      meet.addRecord(CODE, at(-60).toISOString(), at(-1).toISOString(), [
        { who: { user: 'users/1', displayName: 'Sam' }, sessions: [[at(-50).toISOString(), at(-10).toISOString()]] },
      ]);
      await db.transaction().execute((trx) => oweMeetSync(trx, id, CODE));
      return id;
    }

    async function worker() {
      const config = testConfig({ ...google.env(), ...meet.env() }).meetings;
      assert.ok(config.google);
      const client = createMeetClient(config.google);
      const sync = createMeetSync({ db, config, client, log, kick: () => w.kick() });
      const providers = await createMeetingProviders(config);
      const w = createMeetingWorker({ db, publish: () => {}, providers, config, log, sync, leaseMs: LEASE_MS });
      return w;
    }
    const state = (id: string) =>
      db.selectFrom('live_sessions').select(['meeting_sync_status', 'meeting_sync_error']).where('id', '=', id).executeTakeFirstOrThrow();
    const segments = (id: string) => db.selectFrom('meeting_participant_segments').select('user_id').where('session_id', '=', id).execute();

    test('a sync running for five leases is never started by a second worker, and is recorded once', async () => {
      const id = await endedClass();
      meet.stallWhen((r) => r.path === '/v2/conferenceRecords', 5 * LEASE_MS);
      const [a, b] = [await worker(), await worker()];
      try {
        a.start();
        await eventually(() => meet.recordLists().length === 1, 'the first worker to ask Google');
        // The second worker looks for due work again and again while the first one waits on Google.
        const deadline = Date.now() + 5 * LEASE_MS;
        while (Date.now() < deadline) {
          b.kick();
          await new Promise((r) => setTimeout(r, LEASE_MS / 4));
        }
        await eventually(async () => (await state(id)).meeting_sync_status === 'done', 'the sync');
        assert.equal(meet.recordLists().length, 1, 'Google was asked by one worker only');
        assert.deepEqual(await segments(id), [{ user_id: 's1' }]);
        const synced = (await auditRows(db, { action: 'meeting.attendance_synced' })).filter((r) => r.session_id === id);
        assert.equal(synced.length, 1);
      } finally {
        await a.stop();
        await b.stop();
      }
    });

    test('a worker whose job was taken over after its lease ran out records nothing and leaves the new claim alone', async () => {
      const id = await endedClass();
      meet.stallWhen((r) => r.path === '/v2/conferenceRecords', 3 * LEASE_MS);
      const a = await worker();
      try {
        a.start();
        await eventually(() => meet.recordLists().length === 1, 'the worker to ask Google');
        // As if its lease had run out while it was stuck, and another node claimed the job.
        const takenOver = { claim_token: crypto.randomUUID(), claimed_until: new Date(Date.now() + 60_000) };
        await db.updateTable('meeting_jobs').set(takenOver).where('session_id', '=', id).execute();
        await new Promise((r) => setTimeout(r, 4 * LEASE_MS));
        const job = await db.selectFrom('meeting_jobs').selectAll().where('session_id', '=', id).executeTakeFirstOrThrow();
        assert.equal(job.claim_token, takenOver.claim_token, 'the new claim stands');
        assert.equal(job.attempts, 0);
        assert.deepEqual(await segments(id), []);
        assert.equal((await state(id)).meeting_sync_status, 'pending');
      } finally {
        await a.stop();
      }
    });
  });
}
