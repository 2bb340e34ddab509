import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type FakeGoogle, startFakeGoogle } from '../test/fake-google.ts';
import { exhausted, type FakeMeet, scopeMissing, startFakeMeet, unavailable } from '../test/fake-meet.ts';
import { testConfig } from '../test/harness.ts';
import { meetingCodeOf, NoMeetRecordError, PARALLEL_READS, readMeetAttendance } from './meet-attendance.ts';
import { createMeetClient } from './meet-client.ts';
import { MeetingProviderError } from './provider.ts';

const CODE = 'abc-mnop-xyz';
const span = { start: new Date('2026-12-01T14:00:00Z'), end: new Date('2026-12-01T15:00:00Z') };
const members = new Map([
  ['sam@school.example', 'u-sam'],
  ['sky@school.example', 'u-sky'],
]);

describe('reading Google Meet attendance from a fake Meet API', () => {
  let google: FakeGoogle;
  let meet: FakeMeet;
  const client = () => {
    const config = testConfig({ ...google.env(), ...meet.env() }).meetings.google;
    assert.ok(config);
    return createMeetClient(config, { retryDelayMs: 10 });
  };
  const read = () => readMeetAttendance(client(), CODE, span, members);
  const failure = async () => {
    try {
      await read();
    } catch (e) {
      assert.ok(e instanceof MeetingProviderError);
      return e;
    }
    assert.fail('expected the read to fail');
  };

  before(async () => {
    google = await startFakeGoogle();
    meet = await startFakeMeet();
  });
  after(async () => {
    await google.close();
    await meet.close();
  });
  beforeEach(() => {
    meet.reset();
    meet.people.set('users/1', ['Sam@School.example']);
    meet.people.set('users/2', ['sky@school.example']);
    meet.people.set('users/9', ['guest@school.example']);
  });

  test('the meeting code comes from the Meet link; anything else has none', () => {
    assert.equal(meetingCodeOf('https://meet.google.com/abc-mnop-xyz'), 'abc-mnop-xyz');
    assert.equal(meetingCodeOf('https://meet.google.com/ABC-mnop-xyz?authuser=1'), 'abc-mnop-xyz');
    assert.equal(meetingCodeOf('https://meet.jit.si/abc-mnop-xyz'), null);
    assert.equal(meetingCodeOf('https://meet.google.com/lookup/abc'), null);
    assert.equal(meetingCodeOf(null), null);
  });

  test('a record is found by meeting code and time; signed-in users are matched by email, case-insensitively', async () => {
    meet.addRecord(CODE, '2026-12-01T13:55:00Z', '2026-12-01T15:02:00Z', [
      {
        who: { user: 'users/1', displayName: 'Sam' },
        sessions: [
          ['2026-12-01T14:01:00Z', '2026-12-01T14:30:00Z'],
          ['2026-12-01T14:35:00Z', '2026-12-01T15:00:00Z'],
        ],
      },
      { who: { user: 'users/2', displayName: 'Sky' }, sessions: [['2026-12-01T14:10:00Z']] },
    ]);
    const found = await read();
    assert.equal(found.records, 1);
    assert.equal(found.participants, 2);
    assert.equal(found.note, null);
    const rows = found.segments.map((s) => [s.userId, s.email, s.joinedAt.toISOString(), s.leftAt?.toISOString() ?? null]).sort();
    assert.deepEqual(rows, [
      ['u-sam', 'Sam@School.example', '2026-12-01T14:01:00.000Z', '2026-12-01T14:30:00.000Z'],
      ['u-sam', 'Sam@School.example', '2026-12-01T14:35:00.000Z', '2026-12-01T15:00:00.000Z'],
      ['u-sky', 'sky@school.example', '2026-12-01T14:10:00.000Z', null],
    ]);
    const [list] = meet.recordLists();
    assert.equal(
      list?.query.filter,
      `space.meeting_code="${CODE}" AND start_time>="2026-12-01T13:00:00.000Z" AND start_time<="2026-12-01T15:00:00.000Z"`,
    );
    assert.match(list?.authorization ?? '', /^Bearer ya29\.fake-/);
    const person = meet.requests.find((r) => r.path === '/v1/people/1');
    assert.deepEqual(person?.query, { personFields: 'emailAddresses', sources: 'READ_SOURCE_TYPE_PROFILE' });
  });

  test('two records of the code in one day: only the one overlapping the class counts', async () => {
    meet.addRecord(CODE, '2026-12-01T13:05:00Z', '2026-12-01T13:50:00Z', [
      { who: { user: 'users/2', displayName: 'Sky' }, sessions: [['2026-12-01T13:05:00Z', '2026-12-01T13:50:00Z']] },
    ]);
    meet.addRecord(CODE, '2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z', [
      { who: { user: 'users/2', displayName: 'Sky' }, sessions: [['2026-12-01T09:00:00Z', '2026-12-01T10:00:00Z']] },
    ]);
    meet.addRecord(CODE, '2026-12-01T14:02:00Z', '2026-12-01T15:00:00Z', [
      { who: { user: 'users/1', displayName: 'Sam' }, sessions: [['2026-12-01T14:02:00Z', '2026-12-01T14:59:00Z']] },
    ]);
    meet.addRecord('zzz-zzzz-zzz', '2026-12-01T14:00:00Z', '2026-12-01T15:00:00Z', [
      { who: { user: 'users/2', displayName: 'Sky' }, sessions: [['2026-12-01T14:00:00Z', '2026-12-01T15:00:00Z']] },
    ]);
    const found = await read();
    assert.equal(found.records, 1);
    assert.deepEqual(
      found.segments.map((s) => s.userId),
      ['u-sam'],
    );
  });

  test('participants not on the roster, anonymous and phone participants are kept with no user', async () => {
    meet.addRecord(CODE, '2026-12-01T14:00:00Z', '2026-12-01T15:00:00Z', [
      { who: { user: 'users/9', displayName: 'A guest' }, sessions: [['2026-12-01T14:00:00Z', '2026-12-01T14:20:00Z']] },
      { who: { user: 'users/77', displayName: 'Outside the domain' }, sessions: [['2026-12-01T14:00:00Z', '2026-12-01T14:20:00Z']] },
      { who: { anonymous: 'Visitor' }, sessions: [['2026-12-01T14:05:00Z', '2026-12-01T14:25:00Z']] },
      { who: { phone: '+1 ***-***-1234' }, sessions: [['2026-12-01T14:06:00Z', '2026-12-01T14:26:00Z']] },
    ]);
    const found = await read();
    const rows = found.segments.map((s) => [s.displayName, s.userId, s.email]);
    assert.deepEqual(rows.sort(), [
      ['+1 ***-***-1234', null, null],
      ['A guest', null, 'guest@school.example'],
      ['Outside the domain', null, null],
      ['Visitor', null, null],
    ]);
    assert.ok(!meet.requests.some((r) => r.path.startsWith('/v1/people/') && r.path !== '/v1/people/9' && r.path !== '/v1/people/77'));
  });

  test('participants and participantSessions are read page by page', async () => {
    const sessions: [string, string][] = Array.from({ length: 5 }, (_, i) => [`2026-12-01T14:0${i}:00Z`, `2026-12-01T14:0${i}:30Z`]);
    meet.addRecord(
      CODE,
      '2026-12-01T14:00:00Z',
      '2026-12-01T15:00:00Z',
      Array.from({ length: 5 }, (_, i) => ({ who: { anonymous: `Guest ${i}` }, sessions: i === 0 ? sessions : [sessions[0]!] })),
    );
    const found = await read();
    assert.equal(found.participants, 5);
    assert.equal(found.segments.length, 5 + 4);
    const pages = (suffix: string) => meet.requests.filter((r) => r.path.endsWith(suffix));
    assert.deepEqual(
      pages('/participants').map((r) => r.query.pageToken ?? null),
      [null, '2', '4'],
    );
    assert.deepEqual(
      pages('/participants/0/participantSessions').map((r) => r.query.pageToken ?? null),
      [null, '2', '4'],
    );
  });

  test('no overlapping record is a retryable NoMeetRecordError', async () => {
    meet.addRecord(CODE, '2026-12-01T13:00:00Z', '2026-12-01T13:30:00Z', []);
    const e = await failure();
    assert.ok(e instanceof NoMeetRecordError);
    assert.equal(e.retryable, true);
  });

  test('403 for a missing Meet scope fails for good, naming the scope', async () => {
    meet.failWhen((r) => r.path === '/v2/conferenceRecords', scopeMissing());
    const e = await failure();
    assert.equal(e.retryable, false);
    assert.match(e.message, /lack the scope https:\/\/www\.googleapis\.com\/auth\/meetings\.space\.readonly/);
    assert.match(e.message, /ACCESS_TOKEN_SCOPE_INSUFFICIENT/);
  });

  test('429 and 5xx are retryable, with Retry-After read', async () => {
    meet.failWhen((r) => r.path === '/v2/conferenceRecords', exhausted(9));
    const limited = await failure();
    assert.equal(limited.retryable, true);
    assert.equal(limited.retryAfterMs, 9000);
    // A 503 is tried again in place, twice; one that persists fails the read (and the worker retries the sync).
    meet.failWhen((r) => r.path.endsWith('/participants'), unavailable(), unavailable(), unavailable());
    meet.addRecord(CODE, '2026-12-01T14:00:00Z', undefined, []);
    const down = await failure();
    assert.equal(down.retryable, true);
    assert.match(down.message, /Google Meet answered 503/);
    assert.equal(meet.requests.filter((r) => r.path.endsWith('/participants')).length, 3);
  });

  test('a slow answer times out and that one request is tried again; a 503 in passing too; the read completes', async () => {
    const people = Array.from({ length: 20 }, (_, i) => ({
      who: { anonymous: `Guest ${i}` },
      sessions: [['2026-12-01T14:00:00Z', '2026-12-01T14:30:00Z']] as [string, string][],
    }));
    const record = meet.addRecord(CODE, '2026-12-01T14:00:00Z', '2026-12-01T15:00:00Z', people);
    const slow = `/v2/${record}/participants/7/participantSessions`;
    meet.stallWhen((r) => r.path === slow, 1500);
    meet.failWhen((r) => r.path === `/v2/${record}/participants/3/participantSessions`, unavailable());
    const config = testConfig({ ...google.env(), ...meet.env() }).meetings.google;
    assert.ok(config);
    const fast = createMeetClient(config, { requestTimeoutMs: 300, retryDelayMs: 10 });
    const found = await readMeetAttendance(fast, CODE, span, members);
    assert.equal(found.segments.length, 20);
    assert.equal(meet.requests.filter((r) => r.path === slow).length, 2, 'the stalled request, then its retry');
    assert.equal(meet.requests.filter((r) => r.path.endsWith('/participantSessions')).length, 22);
  });

  test('without the directory scope the attendance is still read, unmatched, with a note saying why', async () => {
    const people = (r: { path: string }) => r.path.startsWith('/v1/people/');
    meet.failWhen(people, ...Array.from({ length: 8 }, scopeMissing));
    const users = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({
      who: { user: `users/${n}`, displayName: `P${n}` },
      sessions: [['2026-12-01T14:00:00Z', '2026-12-01T15:00:00Z']] as [string, string][],
    }));
    meet.addRecord(CODE, '2026-12-01T14:00:00Z', '2026-12-01T15:00:00Z', users);
    const found = await read();
    assert.equal(found.segments.length, 8);
    assert.ok(found.segments.every((s) => s.userId === null));
    assert.match(found.note ?? '', /not matched.*directory\.readonly/);
    // Lookups already under way may be refused too; none start after the first refusal.
    assert.ok(meet.requests.filter(people).length <= PARALLEL_READS);
  });
});
