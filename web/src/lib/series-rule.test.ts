import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildRrule, describeRepeat, occurrences, type Repeat, repeatLabel, repeatProblems, wallInputToIso } from './series-rule.ts';

const weekly = (over: Partial<Repeat> = {}): Repeat => ({
  kind: 'weekly',
  days: ['WE', 'MO'],
  end: 'count',
  count: '12',
  until: '',
  ...over,
});

// What the schedule form sends for "Repeats" and what its preview line says.
describe('series rule', () => {
  it('builds the RRULE with weekdays in week order, a count or a local UNTIL without Z', () => {
    assert.equal(buildRrule(weekly()), 'FREQ=WEEKLY;BYDAY=MO,WE;COUNT=12');
    assert.equal(buildRrule(weekly({ end: 'until', until: '2027-04-08' })), 'FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270408T235959');
    assert.equal(buildRrule({ ...weekly(), kind: 'daily' }), 'FREQ=DAILY;COUNT=12');
  });

  it('says when the first start is not on a chosen day, and other mistakes beside their fields', () => {
    // 2027-03-02 is a Tuesday.
    assert.match(repeatProblems(weekly(), '2027-03-02T18:00', 'America/New_York').start ?? '', /Tuesday/);
    assert.deepEqual(repeatProblems(weekly(), '2027-03-01T18:00', 'America/New_York'), {});
    const bad = repeatProblems(weekly({ days: [], count: '101' }), '2027-03-01T18:00', '+02:00');
    assert.deepEqual(Object.keys(bad).sort(), ['days', 'end', 'timezone']);
    assert.ok(repeatProblems(weekly({ end: 'until', until: '2027-02-01' }), '2027-03-01T18:00', 'UTC').end);
    const daily = { ...weekly({ end: 'until' as const }), kind: 'daily' as const };
    assert.match(repeatProblems({ ...daily, until: '2027-12-31' }, '2027-03-01T18:00', 'UTC').end ?? '', /more than 100/);
    assert.equal(repeatProblems({ ...daily, until: '2027-06-08' }, '2027-03-01T18:00', 'UTC').end, undefined);
  });

  it('previews the classes the server will make', () => {
    assert.equal(
      describeRepeat(weekly(), '2027-03-01T18:00', 'America/New_York', 'en-GB'),
      '12 classes, Mondays and Wednesdays at 18:00 (America/New_York), 1 Mar – 7 Apr 2027',
    );
    assert.equal(
      describeRepeat({ ...weekly(), kind: 'daily', count: '3' }, '2027-12-31T09:05', 'UTC', 'en-US'),
      '3 classes, every day at 9:05 AM (UTC), 31 Dec 2027 – 2 Jan 2028',
    );
    const until = occurrences(weekly({ end: 'until', until: '2027-03-15' }), '2027-03-01T18:00');
    assert.deepEqual(
      until.map((d) => d.toISOString().slice(0, 10)),
      ['2027-03-01', '2027-03-03', '2027-03-08', '2027-03-10', '2027-03-15'],
    );
    assert.match(
      describeRepeat({ ...weekly(), kind: 'daily', end: 'until', until: '2027-12-31' }, '2027-03-01T18:00', 'UTC') ?? '',
      /More than 100/,
    );
    assert.equal(describeRepeat({ ...weekly(), kind: 'none' }, '2027-03-01T18:00', 'UTC'), null);
  });

  it('places a local time in the chosen zone, keeping the wall clock across a DST change', () => {
    assert.equal(wallInputToIso('2027-03-08T18:00', 'America/New_York'), '2027-03-08T23:00:00.000Z');
    assert.equal(wallInputToIso('2027-03-15T18:00', 'America/New_York'), '2027-03-15T22:00:00.000Z');
    assert.equal(wallInputToIso('2027-03-15T18:00', 'Mars/Base'), null);
  });

  it('labels a series by its frequency', () => {
    assert.equal(repeatLabel('FREQ=WEEKLY;BYDAY=MO;COUNT=3'), 'Weekly');
    assert.equal(repeatLabel('RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=3'), 'Every 2 weeks');
    assert.equal(repeatLabel('FREQ=DAILY;COUNT=3'), 'Daily');
  });
});
