import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, BASE, makeReportInput, span } from '../../test/make-report-input.ts';
import { classWindow, clipSpans, countableIntervals, mergeIntervals, totalMs } from './spans.ts';

const M = 60_000;
const iv = (from: number, to: number) => ({ start: BASE + from * M, end: BASE + to * M });
const minutes = (ms: number) => ms / M;

describe('classWindow', () => {
  test('an ended class spans actual start to actual end, and its actual duration is what statuses measure (50 min)', () => {
    const w = classWindow({ ...makeReportInput().session, actualStart: at(5), actualEnd: at(55) }, at(90));
    assert.deepEqual(w, { started: true, span: iv(5, 55), classMs: 50 * M, startMs: BASE + 5 * M });
  });

  test('a live class spans actual start to now but is measured against its scheduled 60 minutes', () => {
    const w = classWindow({ ...makeReportInput().session, status: 'live', actualStart: at(2), actualEnd: null }, at(30));
    assert.deepEqual(w, { started: true, span: iv(2, 30), classMs: 60 * M, startMs: BASE + 2 * M });
  });

  test('a class that never started spans its schedule and counts nothing', () => {
    const w = classWindow({ ...makeReportInput().session, status: 'cancelled', actualStart: null, actualEnd: null }, at(90));
    assert.deepEqual(w, { started: false, span: iv(0, 60), classMs: 60 * M, startMs: BASE });
    assert.deepEqual(countableIntervals([span(0, 60)], w, at(90)), []);
  });
});

describe('clipSpans', () => {
  test('time before the start and after the end is cut off: −10…70 in a 0…60 class is 60 minutes', () => {
    assert.deepEqual(clipSpans([span(-10, 70)], iv(0, 60), at(90)), [iv(0, 60)]);
  });

  test('a stay wholly before the start or after the end is dropped', () => {
    assert.deepEqual(clipSpans([span(-20, -5), span(61, 65), span(10, 20)], iv(0, 60), at(90)), [iv(10, 20)]);
  });

  test('an open stay counts up to now, and now past the end is clipped to the end (30…now=90 → 30…60)', () => {
    assert.deepEqual(clipSpans([span(30, null)], iv(0, 60), at(90)), [iv(30, 60)]);
  });

  test('an open stay in a live class counts up to now (30…now=45)', () => {
    assert.deepEqual(clipSpans([span(30, null)], iv(0, 45), at(45)), [iv(30, 45)]);
  });
});

describe('mergeIntervals and totalMs', () => {
  test('two tabs open at once count once: 0…30 and 15…45 are 45 minutes, not 60', () => {
    const merged = mergeIntervals([iv(15, 45), iv(0, 30)]);
    assert.deepEqual(merged, [iv(0, 45)]);
    assert.equal(minutes(totalMs(merged)), 45);
  });

  test('touching stays join without a gap (0…10 + 10…20 = 20), disjoint ones add up (+ 50…55 = 25)', () => {
    const merged = mergeIntervals([iv(0, 10), iv(10, 20), iv(50, 55)]);
    assert.deepEqual(merged, [iv(0, 20), iv(50, 55)]);
    assert.equal(minutes(totalMs(merged)), 25);
  });

  test('a nested stay adds nothing and the outer one still bounds what follows (0…60 ⊃ 10…20, + 70…80 = 70)', () => {
    assert.equal(minutes(totalMs(mergeIntervals([iv(0, 60), iv(10, 20), iv(70, 80)]))), 70);
  });

  test('merging leaves its input untouched', () => {
    const input = [iv(0, 30), iv(15, 45)];
    mergeIntervals(input);
    assert.deepEqual(input, [iv(0, 30), iv(15, 45)]);
  });
});
