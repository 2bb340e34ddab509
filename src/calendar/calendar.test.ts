import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ical, { type VEvent } from 'node-ical';
import { FEED_LIMITS } from './calendar.service.ts';
import { type Course, dbTargets, makeSession, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { assertError } from '../test/http.ts';

const ORIGIN = 'https://live.example.edu';

/** The nearest 1 March still ahead, so every class lies inside the feed's window whenever the suite runs. */
function nextMarch(): number {
  const now = new Date();
  return now < new Date(Date.UTC(now.getUTCFullYear(), 2, 1)) ? now.getUTCFullYear() : now.getUTCFullYear() + 1;
}

const wallTimeIn = (instant: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);

for (const target of await dbTargets('calendar feeds')) {
  describe(`calendar feeds on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    before(async () => ({ t, c, other } = await makeTwoCourseApp(target, { PUBLIC_URL: ORIGIN })));
    after(() => t.close());

    const createFeed = async (token: string, courseId?: string) => {
      const res = await t.request({ method: 'POST', url: '/api/calendar-feeds', token, body: courseId ? { courseId } : {} });
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string; courseId: string | null; url: string; createdAt: string };
    };
    const read = (url: string) => t.app.inject({ method: 'GET', url: url.replace(ORIGIN, '') });
    const events = async (url: string) => {
      const res = await read(url);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'text/calendar; charset=utf-8');
      const parsed = Object.values(ical.sync.parseICS(res.body)).filter((v): v is VEvent => v?.type === 'VEVENT');
      return new Map(parsed.map((e) => [e.uid.replace('@skill-probe-live', ''), e]));
    };
    const series = async (timezone: string, firstStart: string, title: string) => {
      const res = await t.request({
        method: 'POST',
        url: '/api/live-sessions/series',
        token: c.mentor,
        body: { courseId: 'course-1', title, durationMinutes: 90, rrule: 'FREQ=WEEKLY;COUNT=4', timezone, firstStart },
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().sessions as { id: string; scheduledStart: string }[];
    };

    test('an all-classes feed parses back with every class at its instant and wall time, across DST in two zones', async () => {
      const year = nextMarch();
      const ny = await series('America/New_York', `${year}-03-01T18:00`, 'NY seminar');
      const berlin = await series('Europe/Berlin', `${year}-03-15T18:00`, 'Berlin seminar');
      // iCalendar times are whole seconds.
      const loneStart = new Date(Math.floor(Date.now() / 1000) * 1000 + 86_400_000).toISOString();
      const lone = await makeSession(t, c.mentor, 'course-1', { title: 'Lone class', scheduledStart: loneStart });
      const elsewhere = await makeSession(t, other.mentor, 'course-2');
      const feed = await createFeed(c.student);
      assert.match(feed.url, /^https:\/\/live\.example\.edu\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
      assert.equal(feed.courseId, null);
      const seen = await events(feed.url);
      for (const [zone, classes] of [
        ['America/New_York', ny],
        ['Europe/Berlin', berlin],
      ] as const) {
        const utcHours = new Set<number>();
        for (const s of classes) {
          const event = seen.get(s.id);
          assert.ok(event, `class ${s.id} is in the feed`);
          assert.equal(event.start.toISOString(), s.scheduledStart);
          assert.equal((event.end?.getTime() ?? 0) - event.start.getTime(), 90 * 60_000);
          assert.equal(event.start.tz, zone);
          assert.equal(wallTimeIn(event.start, zone), '18:00');
          // node-ical keeps URL's VALUE=URI parameter beside the value.
          assert.equal((event.url as unknown as { val: string }).val ?? event.url, `${ORIGIN}/#/sessions/${s.id}`);
          assert.match(String(event.description), new RegExp(`Join: ${ORIGIN}/#/sessions/${s.id}`));
          utcHours.add(event.start.getUTCHours());
        }
        assert.equal(utcHours.size, 2, `the ${zone} classes cross a daylight-saving change`);
      }
      assert.equal(seen.get(lone.id)?.start.toISOString(), loneStart);
      assert.equal(seen.get(lone.id)?.start.tz, 'Etc/UTC');
      assert.ok(!seen.has(elsewhere.id), "another course's class is not in the feed");
    });

    test('a course feed: cancelled classes say CANCELLED, edits raise SEQUENCE, UIDs stay, breakout rooms stay out', async () => {
      const kept = await makeSession(t, c.mentor, 'course-1', { title: 'Kept' });
      const dropped = await makeSession(t, c.mentor, 'course-1', { title: 'Dropped' });
      const room = await t.db
        .insertInto('live_sessions')
        .values({
          course_id: 'course-1',
          title: 'Room 1',
          mentor_id: 'course-1-mentor',
          scheduled_start: new Date(Date.now() + 3600_000),
          duration_minutes: 30,
          status: 'scheduled',
          meeting_provider: 'manual',
          meeting_url: null,
          meeting_status: 'ready',
          parent_session_id: kept.id,
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const feed = await createFeed(c.student2, 'course-1');
      const first = await events(feed.url);
      assert.equal(first.get(kept.id)?.status, 'CONFIRMED');
      assert.ok(!first.has(room.id), 'a breakout room is not a class of the calendar');
      await t.request({ method: 'DELETE', url: `/api/live-sessions/${dropped.id}`, token: c.mentor });
      const renamed = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${kept.id}`,
        token: c.mentor,
        body: { title: 'Kept, renamed' },
      });
      assert.equal(renamed.statusCode, 200, renamed.body);
      const second = await events(feed.url);
      assert.equal(second.get(dropped.id)?.status, 'CANCELLED');
      const [before, after] = [first.get(kept.id), second.get(kept.id)];
      assert.equal(after?.summary, 'Kept, renamed');
      assert.equal(Number(after?.sequence), Number(before?.sequence) + 1);
      assert.ok((after?.lastmodified?.getTime() ?? 0) >= (before?.lastmodified?.getTime() ?? Infinity));
      assert.ok(Number(second.get(dropped.id)?.sequence) > Number(first.get(dropped.id)?.sequence));
    });

    test('the roster is read when the feed is: a removed student sees the course disappear; outsiders get no course feed', async () => {
      const s = await makeSession(t, other.mentor, 'course-2', { title: 'Course 2 class' });
      const feed = await createFeed(other.student2);
      assert.ok((await events(feed.url)).has(s.id));
      const removed = await t.request({ method: 'DELETE', url: '/api/courses/course-2/members/course-2-s2', token: c.admin });
      assert.equal(removed.statusCode, 204, removed.body);
      assert.equal((await events(feed.url)).size, 0);
      assertError(await t.request({ method: 'POST', url: '/api/calendar-feeds', token: c.student, body: { courseId: 'course-2' } }), 404);
      assertError(await t.request({ method: 'POST', url: '/api/calendar-feeds', token: c.admin, body: { courseId: 'course-1' } }), 404);
      // The roster decides, not the token: a roster mentor signed in with a student token still has the course.
      await createFeed(c.mentorWithStudentToken, 'course-1');
    });

    test('feeds are listed without their secret, revoked by their owner only, and a revoked URL answers 404', async () => {
      const feed = await createFeed(c.mentor, 'course-1');
      const listed = await t.request({ method: 'GET', url: '/api/calendar-feeds', token: c.mentor });
      const items = listed.json().items as { id: string }[];
      assert.deepEqual(
        items.find((i) => i.id === feed.id),
        { id: feed.id, courseId: 'course-1', createdAt: feed.createdAt },
      );
      assertError(
        await t.request({ method: 'DELETE', url: `/api/calendar-feeds/${feed.id}`, token: c.student }),
        404,
        'CALENDAR_FEED_NOT_FOUND',
      );
      assert.equal((await read(feed.url)).statusCode, 200);
      const revoked = await t.request({ method: 'DELETE', url: `/api/calendar-feeds/${feed.id}`, token: c.mentor });
      assert.equal(revoked.statusCode, 204, revoked.body);
      assertError(await read(feed.url), 404, 'CALENDAR_FEED_NOT_FOUND');
      assertError(
        await t.request({ method: 'DELETE', url: `/api/calendar-feeds/${feed.id}`, token: c.mentor }),
        404,
        'CALENDAR_FEED_NOT_FOUND',
      );
      const left = (await t.request({ method: 'GET', url: '/api/calendar-feeds', token: c.mentor })).json().items as { id: string }[];
      assert.deepEqual(
        left.map((i) => i.id),
        items.filter((i) => i.id !== feed.id).map((i) => i.id),
      );
      assertError(await t.app.inject({ method: 'GET', url: '/calendar/not-a-secret.ics' }), 404, 'CALENDAR_FEED_NOT_FOUND');
      assertError(await t.request({ method: 'GET', url: '/api/calendar-feeds' }), 401, 'UNAUTHENTICATED');
    });

    test('one feed read too often is refused with Retry-After, while other feeds still answer', async () => {
      const busy = await createFeed(other.mentor);
      const quiet = await createFeed(other.student);
      for (let i = 0; i < FEED_LIMITS.perFeed; i++) assert.equal((await read(busy.url)).statusCode, 200);
      const refused = await read(busy.url);
      assertError(refused, 429, 'RATE_LIMITED');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      assert.equal((await read(quiet.url)).statusCode, 200);
    });

    test('unknown secrets from one address are limited, and live feeds polled from there still answer', async () => {
      const live = await createFeed(other.mentor, 'course-2');
      let refused: Awaited<ReturnType<typeof read>> | undefined;
      for (let i = 0; i <= FEED_LIMITS.missesPerAddress && !refused; i++) {
        const res = await read(`/calendar/${'x'.repeat(42)}${i % 10}.ics`);
        if (res.statusCode === 429) refused = res;
        else assertError(res, 404, 'CALENDAR_FEED_NOT_FOUND');
      }
      assert.ok(refused, 'the address was refused within its budget of misses');
      assertError(refused, 429, 'RATE_LIMITED');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      assert.equal((await read(live.url)).statusCode, 200);
    });
  });
}
