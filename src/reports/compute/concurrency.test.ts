import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BASE } from '../../test/make-report-input.ts';
import { attendeesPerMinute, minutesOf, peakConcurrent } from './concurrency.ts';

const M = 60_000;
const iv = (from: number, to: number) => ({ start: BASE + from * M, end: BASE + to * M });

describe('peakConcurrent', () => {
  test('one leaving as another joins is not two at once: A 0…30, B 10…40, C 30…50 peak at 2, first at minute 10', () => {
    assert.deepEqual(peakConcurrent([[iv(0, 30)], [iv(10, 40)], [iv(30, 50)]]), { peak: 2, at: BASE + 10 * M });
  });

  test('the peak is the earliest moment it is reached: + D 35…36 makes 3 (B, C, D) at minute 35', () => {
    assert.deepEqual(peakConcurrent([[iv(0, 30)], [iv(10, 40)], [iv(30, 50)], [iv(35, 36)]]), { peak: 3, at: BASE + 35 * M });
  });

  test('nobody present: peak 0, no time', () => {
    assert.deepEqual(peakConcurrent([[], []]), { peak: 0, at: null });
  });
});

describe('attendeesPerMinute', () => {
  test('a student counts in every minute they touched, once per minute, and not in the minute they left on the dot', () => {
    const a = [iv(0.5, 1.5)]; // minutes 0 and 1
    const b = [iv(2, 3)]; // minute 2 only: leaving at 3:00 exactly is not being in minute 3
    const c = [iv(4 + 10 / 60, 4 + 20 / 60), iv(4 + 40 / 60, 4 + 50 / 60)]; // two stays in minute 4 count once
    assert.deepEqual(attendeesPerMinute(iv(0, 5), [a, b, c]), [1, 1, 1, 0, 1]);
  });

  test('minutes follow the clock: a class from 10:00:30 to 10:02:10 has the minutes 10:00, 10:01 and 10:02', () => {
    const span = iv(0.5, 2 + 10 / 60);
    assert.deepEqual(minutesOf(span), [BASE, BASE + M, BASE + 2 * M]);
    assert.deepEqual(attendeesPerMinute(span, [[iv(0.5, 1.25)]]), [1, 1, 0]);
  });

  test('an empty span has no minutes', () => {
    assert.deepEqual(minutesOf(iv(1, 1)), []);
    assert.deepEqual(attendeesPerMinute(iv(1, 1), [[]]), []);
  });
});
