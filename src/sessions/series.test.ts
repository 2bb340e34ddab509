import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { type FakeGoogle, startFakeGoogle } from '../test/fake-google.ts';
import { eventually } from '../test/eventually.ts';
import { auditRows, type Course, dbTargets, makeCourse, makeTestApp, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { assertError } from '../test/http.ts';

type Session = { id: string; scheduledStart: string; status: string; title: string; seriesId: string | null; joinCode: string };
type SeriesReply = {
  series: { id: string; timezone: string; firstStart: string };
  sessions: Session[];
  skipped?: { id: string; status: string; reason: string }[];
};

const starts = (sessions: Session[]) => sessions.map((s) => s.scheduledStart.replace(':00.000Z', 'Z'));

for (const target of await dbTargets('recurring classes')) {
  describe(`recurring classes on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    before(async () => ({ t, c, other } = await makeTwoCourseApp(target)));
    after(() => t.close());

    const create = (token: string, body: Record<string, unknown>) =>
      t.request({
        method: 'POST',
        url: '/api/live-sessions/series',
        token,
        body: { courseId: 'course-1', title: 'Seminar', durationMinutes: 60, ...body },
      });
    const series = async (body: Record<string, unknown>) => {
      const res = await create(c.mentor, body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as SeriesReply;
    };
    const change = async (seriesId: string, body: Record<string, unknown>, token = c.mentor, path = '') =>
      t.request({ method: path ? 'POST' : 'PATCH', url: `/api/live-sessions/series/${seriesId}${path}`, token, body });
    const classes = async (seriesId: string, token = c.mentor) =>
      ((await t.request({ method: 'GET', url: `/api/live-sessions/series/${seriesId}`, token })).json() as SeriesReply).sessions;

    test('a weekly series in New York keeps 18:00 across the March change; each class is a class of its own', async () => {
      const body = await series({ rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4', timezone: 'America/New_York', firstStart: '2027-03-01T18:00' });
      assert.deepEqual(body.series.timezone, 'America/New_York');
      assert.deepEqual(starts(body.sessions), ['2027-03-01T23:00Z', '2027-03-08T23:00Z', '2027-03-15T22:00Z', '2027-03-22T22:00Z']);
      assert.equal(new Set(body.sessions.map((s) => s.joinCode)).size, 4);
      for (const s of body.sessions) assert.equal(s.seriesId, body.series.id);
      // Listed like any class, and each has its own Jitsi room.
      const listed = (await t.request({ method: 'GET', url: '/api/live-sessions?courseId=course-1&limit=50', token: c.student })).json();
      assert.equal(listed.items.filter((s: Session) => s.seriesId === body.series.id).length, 4);
      const rooms = await t.db.selectFrom('live_sessions').select('meeting_url').where('series_id', '=', body.series.id).execute();
      assert.equal(new Set(rooms.map((r) => r.meeting_url)).size, 4);
      const audit = await auditRows(t.db, { action: 'series.create', outcome: 'success' });
      assert.equal(audit.at(-1)?.target_id, body.series.id);
    });

    test('the same rule in Berlin moves on its own date (28 March), and clocks going back keep 09:30', async () => {
      const spring = await series({
        rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20270406T000000Z',
        timezone: 'Europe/Berlin',
        firstStart: '2027-03-15T18:00',
      });
      assert.deepEqual(starts(spring.sessions), ['2027-03-15T17:00Z', '2027-03-22T17:00Z', '2027-03-29T16:00Z', '2027-04-05T16:00Z']);
      const autumn = await series({ rrule: 'FREQ=DAILY;COUNT=3', timezone: 'Europe/Berlin', firstStart: '2027-10-30T09:30' });
      assert.deepEqual(starts(autumn.sessions), ['2027-10-30T07:30Z', '2027-10-31T08:30Z', '2027-11-01T08:30Z']);
    });

    test('bad rules, zones and times are refused with the field, and nothing is scheduled', async () => {
      const before = await t.db
        .selectFrom('live_sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const refused = async (body: Record<string, unknown>, field: string) => {
        const error = assertError(await create(c.mentor, body), 400, 'VALIDATION_FAILED');
        assert.equal(error.details?.[0]?.field, field, JSON.stringify(error));
      };
      const ok = { rrule: 'FREQ=WEEKLY;COUNT=3', timezone: 'Europe/Berlin', firstStart: '2027-03-01T18:00' };
      await refused({ ...ok, timezone: 'Europe/Atlantis' }, 'body.timezone');
      await refused({ ...ok, timezone: '+01:00' }, 'body.timezone');
      await refused({ ...ok, firstStart: '2027-02-30T18:00' }, 'body.firstStart');
      await refused({ ...ok, firstStart: '2027-03-01T18:00Z' }, 'body.firstStart');
      await refused({ ...ok, rrule: 'FREQ=WEEKLY' }, 'body.rrule');
      await refused({ ...ok, rrule: 'FREQ=DAILY;COUNT=500' }, 'body.rrule');
      await refused({ ...ok, rrule: 'FREQ=WEEKLY;BYDAY=TU;COUNT=3' }, 'body.rrule');
      // Each of these once spun forever, made one class, or answered 500.
      await refused({ ...ok, rrule: 'FREQ=WEEKLY;INTERVAL=-1;COUNT=3' }, 'body.rrule');
      await refused({ ...ok, rrule: 'FREQ=WEEKLY;COUNT=abc' }, 'body.rrule');
      await refused({ ...ok, rrule: 'FREQ=WEEKLY;COUNT=3;BYDAY=XX' }, 'body.rrule');
      await refused({ ...ok, rrule: 'FREQ=MONTHLY;COUNT=3;BYSETPOS=0' }, 'body.rrule');
      await refused({ ...ok, scheduledStart: '2027-03-01T17:00:00Z' }, 'body.scheduledStart');
      const after = await t.db
        .selectFrom('live_sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n));
    });

    test('only mentors of the course schedule a series; the refusal comes before any validation', async () => {
      const body = { rrule: 'nonsense', timezone: 'Europe/Berlin', firstStart: '2027-03-01T18:00' };
      assertError(await create(c.student, body), 403, 'FORBIDDEN');
      assertError(await create(other.mentor, body), 403, 'FORBIDDEN');
      assertError(await create(c.mentorWithStudentToken, body), 403, 'FORBIDDEN');
      assert.ok((await auditRows(t.db, { action: 'series.create', outcome: 'denied' })).length >= 3);
    });

    test('"this and following" moves later classes to a new wall time on their own days; "one" renames one class', async () => {
      const { series: s, sessions } = await series({
        rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4',
        timezone: 'America/New_York',
        firstStart: '2027-03-01T18:00',
      });
      const [first, second, third, fourth] = sessions as [Session, Session, Session, Session];
      const moved = await change(s.id, { fromSessionId: second.id, scope: 'following', startTime: '09:15' });
      assert.equal(moved.statusCode, 200, moved.body);
      assert.deepEqual(starts(moved.json().sessions), ['2027-03-08T14:15Z', '2027-03-15T13:15Z', '2027-03-22T13:15Z']);
      const renamed = await change(s.id, { fromSessionId: third.id, scope: 'one', title: 'Guest lecture' });
      assert.deepEqual(
        (renamed.json() as SeriesReply).sessions.map((x) => x.id),
        [third.id],
      );
      const now = await classes(s.id, c.student);
      assert.deepEqual(
        now.map((x) => [x.title, x.scheduledStart.slice(11, 16)]),
        [
          ['Seminar', '23:00'],
          ['Seminar', '14:15'],
          ['Guest lecture', '13:15'],
          ['Seminar', '13:15'],
        ],
      );
      assert.equal(now[0]?.id, first.id);
      assert.equal(now[3]?.id, fourth.id);
      assert.equal((await auditRows(t.db, { action: 'series.update', outcome: 'success' })).length >= 2, true);
    });

    test('cancelling "this and following" leaves live and earlier classes alone; a single class stays editable', async () => {
      const { series: s, sessions } = await series({
        rrule: 'FREQ=DAILY;COUNT=4',
        timezone: 'Europe/Berlin',
        firstStart: '2027-06-01T10:00',
      });
      const [first, second, third, fourth] = sessions as [Session, Session, Session, Session];
      const live = await t.request({ method: 'PUT', url: `/api/live-sessions/${third.id}`, token: c.mentor, body: { status: 'live' } });
      assert.equal(live.statusCode, 200, live.body);
      const cancelled = await change(s.id, { fromSessionId: second.id, scope: 'following' }, c.mentor, '/cancel');
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      const result = cancelled.json() as SeriesReply;
      assert.deepEqual(
        result.sessions.map((x) => [x.id, x.status]),
        [
          [second.id, 'cancelled'],
          [fourth.id, 'cancelled'],
        ],
      );
      assert.deepEqual(
        result.skipped?.map((x) => x.id),
        [third.id],
      );
      assert.deepEqual(
        (await classes(s.id)).map((x) => x.status),
        ['scheduled', 'cancelled', 'live', 'cancelled'],
      );
      const edited = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${first.id}`,
        token: c.mentor,
        body: { title: 'Kick-off' },
      });
      assert.equal(edited.json().seriesId, s.id);
    });

    test('a class that fails unexpectedly mid-"following" is skipped with a reason; the rest change and the audit says so', async () => {
      const { series: s, sessions } = await series({ rrule: 'FREQ=DAILY;COUNT=3', timezone: 'UTC', firstStart: '2027-09-01T10:00' });
      const [first, second, third] = sessions as [Session, Session, Session];
      // A database failure on the second class only, as a full disk or a dropped connection would be.
      await sql`CREATE FUNCTION fail_one_class() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$`.execute(
        t.db,
      );
      await sql
        .raw(
          `CREATE TRIGGER fail_one_class BEFORE UPDATE ON live_sessions FOR EACH ROW WHEN (OLD.id = '${second.id}') EXECUTE FUNCTION fail_one_class()`,
        )
        .execute(t.db);
      try {
        const res = await change(s.id, { fromSessionId: first.id, scope: 'following' }, c.mentor, '/cancel');
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as Required<SeriesReply>;
        assert.deepEqual(
          body.sessions.map((x) => [x.id, x.status]),
          [
            [first.id, 'cancelled'],
            [third.id, 'cancelled'],
          ],
        );
        assert.deepEqual(
          body.skipped.map((x) => [x.id, x.status]),
          [[second.id, 'scheduled']],
        );
        assert.match(body.skipped[0]?.reason ?? '', /failed unexpectedly/);
        assert.doesNotMatch(res.body, /disk on fire/);
        assert.deepEqual(
          (await classes(s.id)).map((x) => x.status),
          ['cancelled', 'scheduled', 'cancelled'],
        );
        const entry = (await auditRows(t.db, { action: 'series.cancel', outcome: 'success' })).find((r) => r.target_id === s.id);
        assert.deepEqual(entry?.details, { scope: 'following', fromSessionId: first.id, cancelled: 2, skipped: [second.id], failed: 1 });
      } finally {
        await sql`DROP TRIGGER fail_one_class ON live_sessions`.execute(t.db);
        await sql`DROP FUNCTION fail_one_class()`.execute(t.db);
      }
    });

    test('changes name a class of the series, by someone who manages it', async () => {
      const a = await series({ rrule: 'FREQ=DAILY;COUNT=2', timezone: 'UTC', firstStart: '2027-07-01T10:00' });
      const b = await series({ rrule: 'FREQ=DAILY;COUNT=2', timezone: 'UTC', firstStart: '2027-08-01T10:00' });
      const fromB = { fromSessionId: b.sessions[0]?.id, scope: 'one', title: 'x' };
      assertError(await change(a.series.id, fromB), 404, 'SERIES_NOT_FOUND');
      assertError(await change(a.series.id, { ...fromB, fromSessionId: a.sessions[0]?.id }, c.student), 403, 'FORBIDDEN');
      assertError(await change(a.series.id, { ...fromB, fromSessionId: a.sessions[0]?.id }, other.mentor), 404);
      assertError(await change(a.series.id, { fromSessionId: a.sessions[0]?.id, scope: 'one' }), 400, 'VALIDATION_FAILED');
      assertError(await change(a.series.id, { ...fromB, scope: 'all' }), 400, 'VALIDATION_FAILED');
      assertError(
        await t.request({ method: 'GET', url: `/api/live-sessions/series/${a.series.id}`, token: other.student }),
        404,
        'SERIES_NOT_FOUND',
      );
    });
  });

  describe(`a Google series on ${target}`, () => {
    let fake: FakeGoogle;
    let t: TestApp;
    let c: Course;
    before(async () => {
      fake = await startFakeGoogle();
      t = await makeTestApp(target, fake.env());
      c = await makeCourse(t);
    });
    after(async () => {
      await t.close();
      await fake.close();
    });

    test('each class gets its own Calendar event through the job queue, and cancelling the rest deletes theirs', async () => {
      const res = await t.request({
        method: 'POST',
        url: '/api/live-sessions/series',
        token: c.mentor,
        body: {
          courseId: c.courseId,
          title: 'Weekly Meet',
          durationMinutes: 45,
          rrule: 'FREQ=WEEKLY;COUNT=3',
          timezone: 'Europe/Berlin',
          firstStart: '2027-03-22T18:00',
        },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { sessions } = res.json() as SeriesReply;
      await eventually(async () => (fake.insertsOf('Weekly Meet').length === 3 ? true : undefined), 'three Calendar events');
      const startsSent = fake.insertsOf('Weekly Meet').map((r) => new Date(r.body.start.dateTime).toISOString());
      assert.deepEqual(startsSent.sort(), ['2027-03-22T17:00:00.000Z', '2027-03-29T16:00:00.000Z', '2027-04-05T16:00:00.000Z']);
      const seriesId = (sessions[0] as Session).seriesId;
      const cancel = await t.request({
        method: 'POST',
        url: `/api/live-sessions/series/${seriesId}/cancel`,
        token: c.mentor,
        body: { fromSessionId: sessions[1]?.id, scope: 'following' },
      });
      assert.equal(cancel.statusCode, 200, cancel.body);
      await eventually(async () => (fake.calendarRequests('DELETE').length === 2 ? true : undefined), 'two events deleted');
    });
  });
}
