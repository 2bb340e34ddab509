import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isoOrNull, isoUtc, median, minutes1, percentOrNull, round1 } from './numbers.ts';

describe('display numbers', () => {
  test('one decimal, half away from zero: 83.333 → 83.3, 81.666 → 81.7, 0.05 → 0.1', () => {
    assert.deepEqual([round1(250 / 3), round1(245 / 3), round1(0.05)], [83.3, 81.7, 0.1]);
  });

  test('minutes from milliseconds: 30,000 ms → 0.5, 2,699,999 ms → 45 (rounded only for display)', () => {
    assert.deepEqual([minutes1(30_000), minutes1(2_699_999)], [0.5, 45]);
  });

  test('a rate over nothing is null; 2 of 3 is 66.7', () => {
    assert.deepEqual([percentOrNull(0, 0), percentOrNull(2, 3), percentOrNull(0, 4)], [null, 66.7, 0]);
  });

  test('median: odd count the middle, even count the mean of the middle two, none 0', () => {
    assert.deepEqual([median([5, 1, 3]), median([41, 10, 30, 20]), median([])], [3, 25, 0]);
  });
});

describe('isoUtc', () => {
  test('matches toISOString across days, leap days, millisecond edges, before 1970 and beyond year 9999', () => {
    const instants = [
      0,
      1,
      999,
      1000,
      59_999,
      86_399_999,
      86_400_000,
      -1,
      -86_400_001,
      Date.parse('2024-02-29T23:59:59.999Z'),
      Date.parse('2026-03-02T10:00:00.000Z'),
      Date.parse('+010000-01-01T00:00:00.000Z'),
      8.64e15,
      -8.64e15,
    ];
    for (let t = Date.parse('2026-03-01T00:00:00Z'); t < Date.parse('2026-03-04T00:00:00Z'); t += 7_777_777) instants.push(t, t);
    for (const t of instants) assert.equal(isoUtc(t), new Date(t).toISOString(), String(t));
  });

  test('a fractional instant is cut to whole milliseconds as Date does; an invalid one throws as Date does', () => {
    assert.equal(isoUtc(1.9), new Date(1.9).toISOString());
    assert.throws(() => isoUtc(Number.NaN), RangeError);
  });

  test('isoOrNull passes null through', () => {
    assert.equal(isoOrNull(null), null);
    assert.equal(isoOrNull(new Date(0)), '1970-01-01T00:00:00.000Z');
  });
});
