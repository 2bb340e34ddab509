import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { clockText, startsInText, timerText } from './timer-text.ts';

const at = (iso: string) => Date.parse(iso);
const session = (s: Partial<SessionDto>) =>
  ({ status: 'scheduled', scheduledStart: '2026-03-01T10:00:00Z', actualStart: null, actualEnd: null, ...s }) as SessionDto;

test('a live class shows the time since it actually started, with hours once past one', () => {
  const live = session({ status: 'live', actualStart: '2026-03-01T10:03:00Z' });
  assert.equal(timerText(live, at('2026-03-01T10:15:09Z')), 'Elapsed 12:09');
  assert.equal(timerText(live, at('2026-03-01T11:04:05Z')), 'Elapsed 1:01:05');
  assert.equal(clockText(-5000), '0:00', 'a clock a little behind the server never shows a negative time');
});

test('before the class: "starts in", coarse; once past its time, waiting for the mentor', () => {
  const planned = session({});
  assert.equal(timerText(planned, at('2026-03-01T09:55:30Z')), 'Starts in 5 min');
  assert.equal(timerText(planned, at('2026-03-01T09:59:30Z')), 'Starts in less than a minute');
  assert.equal(timerText(planned, at('2026-03-01T07:30:00Z')), 'Starts in 2 h 30 min');
  assert.equal(timerText(planned, at('2026-02-25T10:00:00Z')), 'Starts in 4 days');
  assert.equal(timerText(planned, at('2026-03-01T10:02:00Z')), 'Waiting for the mentor to start');
  assert.equal(startsInText(60 * 60_000), 'in 1 h');
});

test('an ended class shows how long it lasted; a cancelled one shows nothing', () => {
  const done = session({ status: 'completed', actualStart: '2026-03-01T10:00:00Z', actualEnd: '2026-03-01T11:30:00Z' });
  assert.equal(timerText(done, Date.now()), 'Lasted 1:30:00');
  assert.equal(timerText(session({ status: 'cancelled' }), Date.now()), null);
});
