import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { testConfig } from '../test/harness.ts';
import { type FakeGoogle, forbidden, rateLimited, serverError, startFakeGoogle, tooMany } from '../test/fake-google.ts';
import { createGoogleProvider } from './google.provider.ts';
import { type MeetingSpec, MeetingProviderError } from './provider.ts';

const spec: MeetingSpec = {
  title: 'Graph algorithms',
  description: 'Week 3',
  start: new Date('2026-12-01T10:00:00.000Z'),
  end: new Date('2026-12-01T11:00:00.000Z'),
  attendees: [],
};

describe('Google Calendar provider against a fake Calendar API', () => {
  let fake: FakeGoogle;
  const provider = (extra: Record<string, string> = {}) => {
    const google = testConfig(fake.env(extra)).meetings.google;
    assert.ok(google);
    return createGoogleProvider(google, { pendingPollMs: 5, pendingPolls: 5 });
  };
  before(async () => {
    fake = await startFakeGoogle();
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.events.clear();
    fake.state.conference = 'success';
    fake.state.tokenError = null;
  });

  test('create inserts an event with a Meet create request and returns its link', async () => {
    const meeting = await provider({ GOOGLE_CALENDAR_ID: 'classes@group.calendar.google.com' }).create('sp0123456789abcdef', spec);
    const [tokenReq, insert, ...rest] = fake.requests;
    assert.equal(rest.length, 0);
    assert.equal(tokenReq?.path, '/token');
    assert.equal(tokenReq?.body.grant_type, 'refresh_token');
    assert.equal(tokenReq?.body.refresh_token, '1//fake-refresh-token');
    assert.equal(tokenReq?.body.client_id, 'client-id.apps.googleusercontent.com');
    assert.equal(insert?.method, 'POST');
    assert.equal(insert?.path, '/calendar/v3/calendars/classes%40group.calendar.google.com/events');
    assert.deepEqual(insert?.query, { conferenceDataVersion: '1', sendUpdates: 'none' });
    assert.equal(insert?.authorization, `Bearer ya29.fake-${fake.state.tokens}`);
    const body = insert?.body;
    assert.equal(body.id, 'sp0123456789abcdef');
    assert.equal(body.summary, 'Graph algorithms');
    assert.equal(body.description, 'Week 3');
    assert.deepEqual(body.start, { dateTime: '2026-12-01T10:00:00.000Z' });
    assert.deepEqual(body.end, { dateTime: '2026-12-01T11:00:00.000Z' });
    assert.deepEqual(body.conferenceData.createRequest.conferenceSolutionKey, { type: 'hangoutsMeet' });
    assert.match(body.conferenceData.createRequest.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(body.attendees, undefined);
    assert.equal(meeting.url, fake.events.get('sp0123456789abcdef').hangoutLink);
    assert.match(meeting.url, /^https:\/\/meet\.google\.com\//);
  });

  test('every create sends a fresh requestId, and a repeated id reads the existing event instead of making another', async () => {
    const google = provider();
    const first = await google.create('spaaaaaaaaaaaaaaaa', spec);
    const again = await google.create('spaaaaaaaaaaaaaaaa', spec);
    await google.create('spbbbbbbbbbbbbbbbb', spec);
    const inserts = fake.calendarRequests('POST');
    assert.equal(inserts.length, 3);
    assert.equal(new Set(inserts.map((r) => r.body.conferenceData.createRequest.requestId)).size, 3);
    assert.equal(again.url, first.url);
    assert.equal(fake.events.size, 2);
    assert.equal(fake.calendarRequests('GET').length, 1, 'the 409 was followed by a read of the existing event');
  });

  test('a pending conference is polled until it succeeds', async () => {
    fake.state.conference = { pendingGets: 3 };
    const meeting = await provider().create('sppending000000000', spec);
    assert.equal(fake.calendarRequests('GET').length, 3);
    assert.equal(meeting.url, fake.events.get('sppending000000000').hangoutLink);
  });

  test('a conference still pending after the polls is a retryable failure; a failed one is final', async () => {
    fake.state.conference = { pendingGets: 50 };
    await assert.rejects(
      provider().create('spslow00000000000', spec),
      (e: MeetingProviderError) => e.retryable && /still creating/.test(e.message),
    );
    assert.equal(fake.calendarRequests('GET').length, 5);
    fake.state.conference = 'failure';
    await assert.rejects(
      provider().create('spfail00000000000', spec),
      (e: MeetingProviderError) => !e.retryable && /could not create a Meet/.test(e.message),
    );
  });

  test('rate limits, 429 and 5xx are retryable; Retry-After is read; other refusals are final', async () => {
    const google = provider();
    const outcome = async () => {
      try {
        await google.create(`sp${Math.random().toString(16).slice(2, 14)}`, spec);
        return undefined;
      } catch (e) {
        assert.ok(e instanceof MeetingProviderError);
        return e;
      }
    };
    fake.fail(rateLimited('rateLimitExceeded'));
    assert.match((await outcome())?.message ?? '', /403 rateLimitExceeded/);
    for (const answer of [rateLimited('rateLimitExceeded'), rateLimited('userRateLimitExceeded'), tooMany(), serverError()]) {
      fake.fail(answer);
      assert.equal((await outcome())?.retryable, true, JSON.stringify(answer.body));
    }
    fake.fail(tooMany(7));
    assert.equal((await outcome())?.retryAfterMs, 7000);
    fake.fail(forbidden());
    const final = await outcome();
    assert.equal(final?.retryable, false);
    assert.match(final?.message ?? '', /403 requiredAccessLevel: You need to have writer access/);
    assert.equal(fake.calendarRequests('POST').length, 7);
    // Reads too: the library's own retries are off, so the worker's bounded, restart-proof backoff is the only one.
    fake.fail(serverError());
    await assert.rejects(google.get('spanything0000000'), (e: MeetingProviderError) => e.retryable);
    assert.equal(fake.calendarRequests('GET').length, 1);
  });

  test('a revoked refresh token (invalid_grant) fails at once, naming the cure', async () => {
    fake.state.tokenError = 'invalid_grant';
    await assert.rejects(
      provider().create('spgrant0000000000', spec),
      (e: MeetingProviderError) =>
        !e.retryable && /invalid_grant/.test(e.message) && /google:auth/.test(e.message) && !/fake-client-secret/.test(e.message),
    );
    assert.equal(fake.calendarRequests().length, 0);
  });

  test('update patches title and time; cancel deletes, and a deleted or missing event counts as done', async () => {
    const google = provider();
    await google.create('spupdate000000000', spec);
    await google.update('spupdate000000000', {
      ...spec,
      title: 'Graphs II',
      start: new Date('2026-12-02T09:00:00Z'),
      end: new Date('2026-12-02T10:30:00Z'),
    });
    const [patch] = fake.calendarRequests('PATCH');
    assert.equal(patch?.path, '/calendar/v3/calendars/primary/events/spupdate000000000');
    assert.deepEqual(patch?.query, { sendUpdates: 'none' });
    assert.deepEqual(patch?.body, {
      summary: 'Graphs II',
      description: 'Week 3',
      start: { dateTime: '2026-12-02T09:00:00.000Z' },
      end: { dateTime: '2026-12-02T10:30:00.000Z' },
    });
    await google.cancel('spupdate000000000');
    assert.equal(fake.events.get('spupdate000000000').status, 'cancelled');
    await google.cancel('spupdate000000000'); // 410 Gone
    await google.cancel('spnever0000000000'); // 404
    assert.deepEqual(
      fake.calendarRequests('DELETE').map((r) => r.query.sendUpdates),
      ['all', 'all', 'all'],
    );
    assert.equal(await google.get('spupdate000000000'), null);
  });

  test('with roster invitations, attendees are added and Google is asked to email them', async () => {
    await provider({ GOOGLE_INVITE_ROSTER: 'true' }).create('spinvite000000000', {
      ...spec,
      attendees: ['sam@example.edu', 'sky@example.edu'],
    });
    const [insert] = fake.calendarRequests('POST');
    assert.equal(insert?.query.sendUpdates, 'all');
    assert.deepEqual(insert?.body.attendees, [{ email: 'sam@example.edu' }, { email: 'sky@example.edu' }]);
    assert.equal(insert?.body.guestsCanSeeOtherGuests, false);
  });

  test('a service account with domain-wide delegation signs a JWT grant for the user, sent to GOOGLE_TOKEN_URL', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const dir = mkdtempSync(join(tmpdir(), 'spl-sa-'));
    const keyFile = join(dir, 'key.json');
    const key = {
      type: 'service_account',
      client_email: 'meet@proj.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    };
    writeFileSync(keyFile, JSON.stringify(key));
    const env = fake.env({ GOOGLE_SERVICE_ACCOUNT_KEY_FILE: keyFile, GOOGLE_IMPERSONATE_USER: 'organizer@school.edu' });
    delete env.GOOGLE_CLIENT_ID;
    delete env.GOOGLE_CLIENT_SECRET;
    delete env.GOOGLE_REFRESH_TOKEN;
    const google = testConfig(env).meetings.google;
    assert.equal(google?.auth.kind, 'service-account');
    await createGoogleProvider(google!, { pendingPollMs: 5, pendingPolls: 1 }).create('spservice00000000', spec);
    const [grant] = fake.requests;
    assert.equal(grant?.path, '/token');
    assert.equal(grant?.body.grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const claims = JSON.parse(Buffer.from(String(grant?.body.assertion).split('.')[1] ?? '', 'base64url').toString());
    assert.equal(claims.iss, 'meet@proj.iam.gserviceaccount.com');
    assert.equal(claims.sub, 'organizer@school.edu');
    assert.equal(claims.scope, 'https://www.googleapis.com/auth/calendar.events');
    assert.equal(fake.calendarRequests('POST').length, 1);
  });
});
