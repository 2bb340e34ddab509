import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AttendanceRow } from '../db/tables.ts';
import { summarizeSegments } from './attendance.report.ts';

const BASE = Date.parse('2026-03-02T10:00:00.000Z');
const at = (minute: number) => new Date(BASE + minute * 60_000);
const minutes = (ms: number) => ms / 60_000;

/** A segment from minute `from` to minute `to` after BASE; `to` null means still open. */
function seg(from: number, to: number | null): AttendanceRow {
  return {
    id: `seg-${from}-${to}`,
    session_id: 'session-1',
    user_id: 'u1',
    joined_at: at(from),
    left_at: to === null ? null : at(to),
    via: 'rest',
  };
}

describe('summarizeSegments', () => {
  test('overlapping segments count once', () => {
    const s = summarizeSegments([seg(0, 30), seg(15, 45)], at(120));
    assert.equal(minutes(s.presentMs), 45);
    assert.deepEqual(s.firstJoin, at(0));
    assert.deepEqual(s.lastLeave, at(45));
    assert.equal(s.segments, 2);
    assert.equal(s.presentNow, false);
  });

  test('disjoint segments are summed', () => {
    const s = summarizeSegments([seg(0, 10), seg(20, 30), seg(50, 55)], at(120));
    assert.equal(minutes(s.presentMs), 25);
    assert.deepEqual(s.lastLeave, at(55));
  });

  test('touching segments neither double-count nor leave a gap', () => {
    assert.equal(minutes(summarizeSegments([seg(0, 10), seg(10, 20)], at(120)).presentMs), 20);
  });

  test('a nested segment adds nothing, and the outer one still bounds what follows', () => {
    const s = summarizeSegments([seg(0, 60), seg(10, 20), seg(70, 80)], at(120));
    assert.equal(minutes(s.presentMs), 70);
    assert.deepEqual(s.lastLeave, at(80));
  });

  test('the last leave is the latest one, not the last segment’s', () => {
    const s = summarizeSegments([seg(0, 60), seg(10, 20)], at(120));
    assert.equal(minutes(s.presentMs), 60);
    assert.deepEqual(s.lastLeave, at(60));
  });

  test('an open segment counts up to now', () => {
    const s = summarizeSegments([seg(0, 10), seg(30, null)], at(55));
    assert.equal(minutes(s.presentMs), 35);
    assert.equal(s.presentNow, true);
    assert.deepEqual(s.firstJoin, at(0));
  });

  test('an open segment overlapping an earlier closed one is merged with it', () => {
    const s = summarizeSegments([seg(0, 20), seg(10, null)], at(40));
    assert.equal(minutes(s.presentMs), 40);
  });

  test('lastLeave is null while present, even after earlier leaves', () => {
    const s = summarizeSegments([seg(0, 10), seg(20, 25), seg(30, null)], at(60));
    assert.equal(s.lastLeave, null);
    assert.equal(s.presentNow, true);
    assert.equal(s.segments, 3);
  });

  test('an open segment stamped after now (clock skew) counts as zero, never negative', () => {
    const s = summarizeSegments([seg(10, null)], at(5));
    assert.equal(s.presentMs, 0);
    assert.equal(s.presentNow, true);
  });

  test('once the class has ended, a segment left open counts up to the end and nobody is present', () => {
    const s = summarizeSegments([seg(0, 20), seg(20, null)], at(500), at(60));
    assert.equal(minutes(s.presentMs), 60);
    assert.equal(s.presentNow, false);
    assert.equal(s.lastLeave, null, 'as stored');
    const late = summarizeSegments([seg(70, null)], at(500), at(60));
    assert.equal(late.presentMs, 0, 'opened after the end: nothing');
  });

  test('no segments: absent with nothing to report', () => {
    assert.deepEqual(summarizeSegments([], at(0)), {
      firstJoin: null,
      lastLeave: null,
      presentNow: false,
      presentMs: 0,
      segments: 0,
    });
  });
});
