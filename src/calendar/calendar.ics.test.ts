import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ical, { type VEvent } from 'node-ical';
import { buildCalendar, type FeedClass } from './calendar.ics.ts';

const makeClass = (id: string, start: string, timezone: string | null, durationMinutes = 60) =>
  ({
    id,
    scheduled_start: new Date(start),
    duration_minutes: durationMinutes,
    timezone,
    title: 'Seminar',
    description: null,
    status: 'scheduled',
    calendar_sequence: 0,
    created_at: new Date('2026-01-01T00:00:00Z'),
    updated_at: new Date('2026-01-02T00:00:00Z'),
  }) as unknown as FeedClass;

const feed = (classes: FeedClass[]) => {
  const text = buildCalendar('Feed', classes, (id) => `https://live.example.edu/#/sessions/${id}`);
  const events = Object.values(ical.sync.parseICS(text)).filter((v): v is VEvent => v?.type === 'VEVENT');
  return { text, starts: new Map(events.map((e) => [e.uid.replace('@skill-probe-live', ''), e.start.toISOString()])) };
};

describe('calendar text', () => {
  test('a class in the repeated hour of a fall-back night is written in UTC, so every reader finds its instant', () => {
    const classes = [
      // Berlin goes back at 03:00 CEST on 25 October 2026: 02:30 happens at 00:30Z and again at 01:30Z.
      makeClass('first-0230', '2026-10-25T00:30:00Z', 'Europe/Berlin'),
      makeClass('second-0230', '2026-10-25T01:30:00Z', 'Europe/Berlin'),
      // Ends at 02:30 CEST, the first of the two.
      makeClass('ends-in-fold', '2026-10-24T23:30:00Z', 'Europe/Berlin'),
      // Lord Howe goes back only half an hour (02:00 → 01:30 on 5 April 2026): 01:45 happens twice.
      makeClass('lord-howe', '2026-04-04T14:45:00Z', 'Australia/Lord_Howe', 30),
      makeClass('sunday-evening', '2026-10-25T17:00:00Z', 'Europe/Berlin'),
    ];
    const { text, starts } = feed(classes);
    for (const c of classes) assert.equal(starts.get(c.id), c.scheduled_start.toISOString(), c.id);
    assert.match(text, /DTSTART:20261025T003000Z/);
    assert.match(text, /DTSTART:20261025T013000Z/);
    assert.match(text, /DTSTART:20261024T233000Z\r\nDTEND:20261025T003000Z/);
    assert.match(text, /DTSTART:20260404T144500Z/);
    // The same day's evening class is unambiguous and stays in the zone's wall time.
    assert.match(text, /DTSTART;TZID=Europe\/Berlin:20261025T180000/);
  });
});
