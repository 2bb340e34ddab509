import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../errors.ts';
import { atWallTime, seriesStarts } from './series-rule.ts';
import { instantOf, isIanaZone, parseWallTime, wallClockOf } from './series-zone.ts';

const wall = (s: string) => {
  const w = parseWallTime(s);
  if (!w) throw new Error(`bad wall time ${s}`);
  return w;
};
const iso = (dates: Date[]) => dates.map((d) => d.toISOString().replace(':00.000Z', 'Z'));

describe('series rule', () => {
  test('Mondays at 18:00 in New York stay at 18:00 across the March change (UTC moves an hour)', () => {
    const starts = seriesStarts('FREQ=WEEKLY;BYDAY=MO;COUNT=4', wall('2027-03-01T18:00'), 'America/New_York');
    // The US moves its clocks on 14 March 2027.
    assert.deepEqual(iso(starts), ['2027-03-01T23:00Z', '2027-03-08T23:00Z', '2027-03-15T22:00Z', '2027-03-22T22:00Z']);
    for (const s of starts) assert.equal(wallClockOf(s, 'America/New_York').toISOString().slice(11, 16), '18:00');
  });

  test('the same rule in Berlin changes on its own date, two weeks later (28 March 2027)', () => {
    const starts = seriesStarts('RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6', wall('2027-03-01T18:00'), 'Europe/Berlin');
    assert.deepEqual(iso(starts), [
      '2027-03-01T17:00Z',
      '2027-03-08T17:00Z',
      '2027-03-15T17:00Z',
      '2027-03-22T17:00Z',
      '2027-03-29T16:00Z',
      '2027-04-05T16:00Z',
    ]);
  });

  test('autumn: UNTIL in UTC is an instant, and 18:00 is kept when clocks go back in both zones', () => {
    // The US goes back on 7 November 2027, Berlin on 31 October.
    const ny = seriesStarts('FREQ=WEEKLY;BYDAY=TU;UNTIL=20271110T000000Z', wall('2027-10-26T18:00'), 'America/New_York');
    assert.deepEqual(iso(ny), ['2027-10-26T22:00Z', '2027-11-02T22:00Z', '2027-11-09T23:00Z']);
    const berlin = seriesStarts('FREQ=DAILY;INTERVAL=2;UNTIL=20271101', wall('2027-10-29T09:30'), 'Europe/Berlin');
    assert.deepEqual(iso(berlin), ['2027-10-29T07:30Z', '2027-10-31T08:30Z']);
  });

  test('a wall time that does not exist moves past the gap; one that happens twice is the first', () => {
    assert.equal(instantOf(wall('2027-03-14T02:30'), 'America/New_York').toISOString(), '2027-03-14T07:30:00.000Z');
    assert.equal(instantOf(wall('2027-11-07T01:30'), 'America/New_York').toISOString(), '2027-11-07T05:30:00.000Z');
    assert.equal(instantOf(wall('2027-10-31T02:30'), 'Europe/Berlin').toISOString(), '2027-10-31T00:30:00.000Z');
  });

  test('moving a class to another wall time keeps its local day, across the change', () => {
    const march22 = new Date('2027-03-22T22:00:00Z'); // 18:00 EDT
    assert.equal(atWallTime(march22, '09:15', 'America/New_York').toISOString(), '2027-03-22T13:15:00.000Z');
    const march8 = new Date('2027-03-08T23:00:00Z'); // 18:00 EST
    assert.equal(atWallTime(march8, '09:15', 'America/New_York').toISOString(), '2027-03-08T14:15:00.000Z');
  });

  test('rules that are unbounded, too long, sub-daily, or miss firstStart are refused with the reason', () => {
    const first = wall('2027-03-01T18:00');
    const refused = (rule: string, pattern: RegExp, start = first) =>
      assert.throws(
        () => seriesStarts(rule, start, 'Europe/Berlin'),
        (err: unknown) => err instanceof AppError && err.code === 'VALIDATION_FAILED' && pattern.test(err.message),
      );
    refused('FREQ=WEEKLY', /COUNT or UNTIL/);
    refused('FREQ=DAILY;COUNT=101', /at most 100/);
    refused('FREQ=DAILY;UNTIL=20280101', /more than 100/);
    refused('FREQ=HOURLY;COUNT=3', /DAILY or coarser/);
    refused('FREQ=DAILY;BYHOUR=9,18;COUNT=3', /BYHOUR/);
    refused('FREQ=WEEKLY;BYDAY=TU;COUNT=3', /firstStart must be a class/);
    refused('FREQ=WEEKLY;WHEN=SOON;COUNT=3', /not an RFC 5545 RRULE/);
    refused('DTSTART:20270301T180000\nRRULE:FREQ=DAILY;COUNT=2', /RRULE line only/);
    refused('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2', /firstStart must be a class|only/);
    refused('FREQ=DAILY;UNTIL=20400101', /10 years/);
  });

  test('every numeric part must be a whole number in its range: a negative INTERVAL is refused, not expanded forever', () => {
    const first = wall('2026-01-05T10:00');
    const refused = (rule: string, pattern: RegExp) =>
      assert.throws(
        () => seriesStarts(rule, first, 'UTC'),
        (err: unknown) => err instanceof AppError && err.code === 'VALIDATION_FAILED' && pattern.test(err.message),
        rule,
      );
    refused('FREQ=WEEKLY;INTERVAL=-1;COUNT=3', /INTERVAL=-1: must be a whole number from 1 to 52/);
    refused('FREQ=WEEKLY;INTERVAL=0;COUNT=3', /INTERVAL=0/);
    refused('FREQ=WEEKLY;INTERVAL=53;COUNT=3', /INTERVAL=53/);
    refused('FREQ=WEEKLY;INTERVAL=abc;COUNT=3', /INTERVAL=ABC/);
    refused('FREQ=WEEKLY;COUNT=abc', /COUNT: must be a whole number/);
    refused('FREQ=WEEKLY;COUNT=-2', /COUNT: must be a whole number/);
    refused('FREQ=WEEKLY;COUNT=3;BYDAY=XX', /BYDAY=XX: must be a list of weekdays/);
    refused('FREQ=MONTHLY;COUNT=3;BYSETPOS=0', /BYSETPOS=0/);
    refused('FREQ=MONTHLY;COUNT=3;BYMONTHDAY=40', /BYMONTHDAY=40/);
    refused('FREQ=YEARLY;COUNT=3;BYMONTH=13', /BYMONTH=13/);
    refused('FREQ=YEARLY;COUNT=3;BYWEEKNO=60', /BYWEEKNO=60/);
    refused('FREQ=WEEKLY;COUNT=3;WKST=XX', /WKST=XX/);
    refused('FREQ=WEEKLY;UNTIL=20261345', /UNTIL=20261345/);
    refused('FREQ=WEEKLY;COUNT=2;COUNT=3', /COUNT twice/);
    refused('FREQ=WEEKLY;COUNT=3;UNTIL=20260301', /COUNT or UNTIL, not both/);
    refused('FREQ=WEEKLY;BYDAY=2MO;COUNT=3', /numbered BYDAY/);
    refused('FREQ=DAILY;BYYEARDAY=5;COUNT=3', /BYYEARDAY goes only with FREQ=YEARLY/);
    assert.equal(seriesStarts('FREQ=WEEKLY;INTERVAL=52;COUNT=2', first, 'UTC')[1]?.toISOString(), '2027-01-04T10:00:00.000Z');
    assert.equal(seriesStarts('freq=weekly;byday=mo;count=2', first, 'UTC').length, 2);
  });

  test('a rule that never matches is refused at once instead of walking to the year 9999', () => {
    const began = performance.now();
    assert.throws(
      () => seriesStarts('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=2', wall('2026-01-05T10:00'), 'UTC'),
      /firstStart must be a class/,
    );
    // Unbounded, rrule takes over ten seconds here; bounded, a few tens of milliseconds.
    assert.ok(performance.now() - began < 2000, `took ${performance.now() - began} ms`);
    // The bound never cuts a rare rule short inside the 10 years: leap days come every four.
    const leapDays = seriesStarts('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;COUNT=3', wall('2028-02-29T10:00'), 'UTC');
    assert.deepEqual(iso(leapDays), ['2028-02-29T10:00Z', '2032-02-29T10:00Z', '2036-02-29T10:00Z']);
  });

  test('a date-only UNTIL is the end of that local day: a class that starts on it is included', () => {
    const starts = seriesStarts('FREQ=WEEKLY;UNTIL=20261025', wall('2026-10-04T18:00'), 'Europe/Berlin');
    assert.deepEqual(iso(starts), ['2026-10-04T16:00Z', '2026-10-11T16:00Z', '2026-10-18T16:00Z', '2026-10-25T17:00Z']);
  });

  test('an UNTIL in UTC is compared as an instant, also when the last class falls on a clock-change night', () => {
    // Berlin goes back at 01:00Z on 25 October 2026: 02:30 (the first, 00:30Z) is before 01:15Z though it reads later.
    const autumn = seriesStarts('FREQ=DAILY;UNTIL=20261025T011500Z', wall('2026-10-23T02:30'), 'Europe/Berlin');
    assert.deepEqual(iso(autumn), ['2026-10-23T00:30Z', '2026-10-24T00:30Z', '2026-10-25T00:30Z']);
    // Berlin goes forward at 01:00Z on 29 March 2026: 02:30 does not exist and becomes 03:30 (01:30Z), after 01:15Z.
    const spring = seriesStarts('FREQ=DAILY;UNTIL=20260329T011500Z', wall('2026-03-27T02:30'), 'Europe/Berlin');
    assert.deepEqual(iso(spring), ['2026-03-27T01:30Z', '2026-03-28T01:30Z']);
    assert.throws(() => seriesStarts('FREQ=DAILY;UNTIL=20260301T000000Z', wall('2026-03-27T02:30'), 'Europe/Berlin'), /UNTIL is before/);
  });

  test('only IANA zones with rules are zones', () => {
    assert.ok(isIanaZone('Europe/Berlin'));
    assert.ok(isIanaZone('UTC'));
    assert.ok(isIanaZone('America/Argentina/Buenos_Aires'));
    assert.ok(!isIanaZone('+02:00'));
    assert.ok(!isIanaZone('Mars/Olympus_Mons'));
    assert.ok(!isIanaZone(''));
  });
});
