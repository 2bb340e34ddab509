import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BASE, makeReportInput } from '../../test/make-report-input.ts';
import type { AttendanceRules } from '../reports.schemas.ts';
import { classWindow } from './spans.ts';
import { countedTime, studentStatus } from './status.ts';

const M = 60_000;
const iv = (from: number, to: number) => ({ start: BASE + from * M, end: BASE + to * M });
// A 60-minute class 0…60; present from 75 % = 45 min = 2,700,000 ms; late after minute 10; absent below 1 min.
const ended = classWindow(makeReportInput().session, new Date(BASE + 90 * M));
const rules: AttendanceRules = { presentPercent: 75, latePresentMinutes: 10, minimumMinutes: 1, source: 'either' };
const status = (ms: number, firstJoinMinute = 0, r = rules, w = ended) =>
  studentStatus({ ms, firstJoinMs: BASE + firstJoinMinute * M }, w, r);

describe('studentStatus', () => {
  test('exactly presentPercent (45 of 60 min = 2,700,000 ms) is present', () => {
    assert.equal(status(2_700_000), 'present');
  });

  test('one millisecond below presentPercent (2,699,999 ms) is partial', () => {
    assert.equal(status(2_699_999), 'partial');
  });

  test('one second below presentPercent (44 min 59 s) is partial', () => {
    assert.equal(status(2_699_000), 'partial');
  });

  test('exactly minimumMinutes (1 min = 60,000 ms) is partial', () => {
    assert.equal(status(60_000), 'partial');
  });

  test('below minimumMinutes (59,999 ms) is absent', () => {
    assert.equal(status(59_999), 'absent');
  });

  test('no time at all is absent even when minimumMinutes is 0', () => {
    assert.equal(status(0, 0, { ...rules, minimumMinutes: 0 }), 'absent');
    assert.equal(status(1, 0, { ...rules, minimumMinutes: 0 }), 'partial');
  });

  test('first join exactly latePresentMinutes (10 min) after the start, 50 min stayed, is present, not late', () => {
    assert.equal(status(50 * M, 10), 'present');
  });

  test('first join one minute more (11 min) after the start, 49 min stayed ≥ 45, is late', () => {
    assert.equal(status(49 * M, 11), 'late');
  });

  test('late by 11 minutes but below presentPercent (30 min) is partial: late is a kind of present', () => {
    assert.equal(status(30 * M, 11), 'partial');
  });

  test('a fractional minimumMinutes (0.5 min = 30,000 ms) is honoured to the millisecond', () => {
    const r = { ...rules, minimumMinutes: 0.5 };
    assert.equal(status(30_000, 0, r), 'partial');
    assert.equal(status(29_999, 0, r), 'absent');
  });

  test('a live class is measured against its scheduled 60 minutes: 30 min in so far is partial', () => {
    const live = classWindow({ ...makeReportInput().session, status: 'live', actualEnd: null }, new Date(BASE + 30 * M));
    assert.equal(status(30 * M, 0, rules, live), 'partial');
  });

  test('a class that never started has everyone absent, whatever the time', () => {
    const never = classWindow({ ...makeReportInput().session, actualStart: null, actualEnd: null }, new Date(BASE));
    assert.equal(status(60 * M, 0, rules, never), 'absent');
  });
});

describe('countedTime', () => {
  const room = [iv(0, 20)]; // 20 min in the room from the start
  const meeting = [iv(12, 60)]; // 48 min in the meeting from minute 12

  test('source room counts the room only (20 min)', () => {
    const c = countedTime(room, meeting, 'room');
    assert.equal(c.ms, 20 * M);
    assert.equal(c.firstJoinMs, BASE);
  });

  test('source meeting counts the meeting only (48 min, first join minute 12)', () => {
    const c = countedTime(room, meeting, 'meeting');
    assert.equal(c.ms, 48 * M);
    assert.equal(c.firstJoinMs, BASE + 12 * M);
    assert.deepEqual(c.intervals, meeting);
  });

  test('source either takes the larger total (meeting 48 > room 20) and the earliest join of both (minute 0)', () => {
    const c = countedTime(room, meeting, 'either');
    assert.equal(c.ms, 48 * M);
    assert.equal(c.firstJoinMs, BASE);
    assert.deepEqual(c.intervals, meeting);
  });

  test('a glance shorter than minimumMinutes does not set the first join: 30 s on the page at minute 0, the meeting from minute 30', () => {
    const c = countedTime([iv(0, 0.5)], [iv(30, 60)], 'either', 1 * M);
    assert.equal(c.firstJoinMs, BASE + 30 * M);
    // Without a minimum the glance would count, and a student 30 minutes late would be on time.
    assert.equal(countedTime([iv(0, 0.5)], [iv(30, 60)], 'either').firstJoinMs, BASE);
  });

  test('with no stay as long as the minimum, the first stay still sets the first join', () => {
    assert.equal(countedTime([iv(5, 5.5), iv(8, 8.5)], null, 'room', 1 * M).firstJoinMs, BASE + 5 * M);
  });

  test('either on a tie keeps the room', () => {
    const c = countedTime([iv(0, 30)], [iv(30, 60)], 'either');
    assert.deepEqual(c.intervals, [iv(0, 30)]);
  });

  test('without meeting data, meeting and either fall back to room time', () => {
    assert.equal(countedTime(room, null, 'meeting').ms, 20 * M);
    assert.equal(countedTime(room, null, 'either').ms, 20 * M);
  });

  test('with meeting data but no meeting time, source meeting counts nothing', () => {
    const c = countedTime(room, [], 'meeting');
    assert.equal(c.ms, 0);
    assert.equal(c.firstJoinMs, null);
  });
});
