/**
 * Google's client libraries are loaded only when Google is configured (they are dead weight in memory otherwise), and
 * the provider loaded on demand works as the one the meeting suites drive through the app.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { type FakeGoogle, startFakeGoogle } from '../test/fake-google.ts';
import { testConfig } from '../test/harness.ts';
import { createMeetingProviders } from './providers.ts';

// Each test file runs in a process of its own, and nothing this file imports loads Google's libraries up front.
const googleLoaded = () =>
  Object.keys(createRequire(import.meta.url).cache).some((file) => /node_modules\/(google-auth-library|@googleapis)\//.test(file));

describe('meeting providers', () => {
  let fake: FakeGoogle;
  before(async () => {
    fake = await startFakeGoogle();
  });
  after(() => fake.close());

  test('without Google configured, its client libraries are never loaded', async () => {
    const providers = await createMeetingProviders(testConfig().meetings);
    assert.equal(googleLoaded(), false);
    await assert.rejects(providers.google.create('sp0123456789abcdef', meeting), /Google Calendar is not configured/);
  });

  test('with Google configured, they are loaded and the provider makes a Meet link', async () => {
    const providers = await createMeetingProviders(testConfig(fake.env()).meetings);
    assert.equal(googleLoaded(), true);
    const { url } = await providers.google.create('sp0123456789abcdef', meeting);
    assert.equal(url, fake.events.get('sp0123456789abcdef').hangoutLink);
  });
});

const meeting = {
  title: 'Graph algorithms',
  description: 'Week 3',
  start: new Date('2026-12-01T10:00:00.000Z'),
  end: new Date('2026-12-01T11:00:00.000Z'),
  attendees: [],
};
