import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeClassFixture } from '../chat/class.fixture.ts';
import { type FakeGoogle, forbidden, startFakeGoogle } from '../test/fake-google.ts';
import { eventually } from '../test/eventually.ts';
import { dbTargets, makeSession } from '../test/harness.ts';
import { type BreakoutFixture, errorCode, makeBreakoutFixture, type Round } from './breakouts.fixture.ts';

for (const target of await dbTargets('breakout meeting links')) {
  describe(`breakout rooms' meeting links on ${target}`, () => {
    let fake: FakeGoogle;
    let f: BreakoutFixture;
    before(async () => {
      fake = await startFakeGoogle();
      const env = fake.env({ MEETING_PROVIDERS: 'google,jitsi,manual', MEETING_MAX_ATTEMPTS: '1' });
      f = await makeBreakoutFixture(target, {}, await makeClassFixture(target, env));
    });
    after(async () => {
      await f.close();
      await fake.close();
    });

    /** A live class of the provider (Google by default: the operator's MEETING_PROVIDER here). */
    const liveClass = async (title: string, meeting?: Record<string, unknown>) => {
      const s = await makeSession(f.t, f.c.mentor, f.c.courseId, { title, ...(meeting && { meeting }) });
      const res = await f.t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: f.c.mentor, body: { status: 'live' } });
      assert.equal(res.statusCode, 200, res.body);
      return s.id;
    };

    test('Google: each room gets its own Meet link through the job queue, pending then ready; the class hears each', async () => {
      const classId = await liveClass('Seminar');
      const mentor = await f.joined(f.c.mentor, classId);
      const { round } = await f.opened(classId, { rooms: 2, assignment: 'self-select', durationMinutes: 20 });
      assert.deepEqual(
        round.rooms.map((r) => r.meeting.status),
        ['pending', 'pending'],
      );
      const ready = await mentor.heard.waitFor(
        (e) => e.event === 'breakout:updated' && e.payload.round.rooms.every((r: Round['rooms'][0]) => r.meeting.status === 'ready'),
      );
      assert.equal(ready.payload.round.id, round.id);
      for (const [i, room] of round.rooms.entries()) {
        const inserts = fake.insertsOf(`Room ${i + 1} · Seminar`);
        assert.equal(inserts.length, 1, `one Calendar event for room ${i + 1}`);
        const dto = (await f.t.request({ method: 'GET', url: `/api/live-sessions/${room.sessionId}`, token: f.c.mentor })).json();
        assert.equal(dto.meeting.url, fake.eventOf(`Room ${i + 1} · Seminar`).hangoutLink);
      }
      const urls = round.rooms.map((r) => fake.eventOf(`${r.name} · Seminar`).hangoutLink);
      assert.notEqual(urls[0], urls[1], 'a link each');
    });

    test('Google: a room whose link cannot be made is failed, and the class hears that too', async () => {
      const classId = await liveClass('Workshop');
      const mentor = await f.joined(f.c.mentor, classId);
      fake.failWhen((r) => r.body?.summary === 'Broken · Workshop', forbidden());
      await f.opened(classId, { rooms: ['Fine', 'Broken'], assignment: 'self-select', durationMinutes: 20 });
      const settled = await mentor.heard.waitFor(
        (e) => e.event === 'breakout:updated' && e.payload.round.rooms.every((r: Round['rooms'][0]) => r.meeting.status !== 'pending'),
      );
      assert.deepEqual(
        settled.payload.round.rooms.map((r: Round['rooms'][0]) => r.meeting.status),
        ['ready', 'failed'],
      );
    });

    test('pasted links: one per room from meetingUrls, or none; refused for another provider or of the wrong length', async () => {
      const classId = await liveClass('Pasted', { url: 'https://zoom.us/j/100' });
      const short = await f.openRound(classId, {
        rooms: 2,
        assignment: 'self-select',
        durationMinutes: 5,
        meetingUrls: ['https://zoom.us/j/1'],
      });
      assert.equal(errorCode(short), 'VALIDATION_FAILED');
      const plain = await f.openRound(classId, {
        rooms: 2,
        assignment: 'self-select',
        durationMinutes: 5,
        meetingUrls: ['http://zoom.us/j/1', 'https://zoom.us/j/2'],
      });
      assert.equal(errorCode(plain), 'VALIDATION_FAILED', 'https only');
      const { round } = await f.opened(classId, {
        rooms: 2,
        assignment: 'self-select',
        durationMinutes: 5,
        meetingUrls: ['https://zoom.us/j/1', 'https://zoom.us/j/2'],
      });
      const urls = [];
      for (const room of round.rooms) {
        const dto = (await f.t.request({ method: 'GET', url: `/api/live-sessions/${room.sessionId}`, token: f.c.mentor })).json();
        urls.push([dto.meeting.provider, dto.meeting.url, dto.meeting.status]);
      }
      assert.deepEqual(urls, [
        ['manual', 'https://zoom.us/j/1', 'ready'],
        ['manual', 'https://zoom.us/j/2', 'ready'],
      ]);
      const jitsi = await liveClass('On Jitsi', { provider: 'jitsi' });
      const refused = await f.openRound(jitsi, {
        rooms: 1,
        assignment: 'self-select',
        durationMinutes: 5,
        meetingUrls: ['https://zoom.us/j/1'],
      });
      assert.equal(errorCode(refused), 'VALIDATION_FAILED');
      const { round: jitsiRound } = await f.opened(jitsi, { rooms: 1, assignment: 'self-select', durationMinutes: 5 });
      assert.equal(jitsiRound.rooms[0]?.meeting.status, 'ready');
      await eventually(() => fake.insertsOf('Room 1 · On Jitsi').length === 0, 'no Calendar call for Jitsi');
    });
  });
}
