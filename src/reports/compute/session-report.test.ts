import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, makeReportInput, span, student } from '../../test/make-report-input.ts';
import { sessionReport } from '../reports.schemas.ts';
import { computeSessionReport } from './session-report.ts';

const iso = (minute: number) => at(minute).toISOString();

/**
 * A 60-minute class 10:00–11:00, rules 75 % (45 min) / late after 10 min / at least 1 min, room time only:
 *   Ada  u1  0…30 and 15…50 (two tabs)  → 50 min, 83.3 %  present
 *   bob  u2  11…60                      → 49 min, 81.7 %  late (joined 11 min after the start)
 *   Cy   u0  20…40                      → 20 min, 33.3 %  partial
 *   Cy   u3  −5…0.5 (before the start)  → 0.5 min, 0.8 % absent (below 1 min), opened the meeting at 0:10
 *   Dee  u5  never                      → 0 min           absent
 */
function classOfFive() {
  return makeReportInput({
    roster: [student('u5', 'Dee'), student('u3', 'Cy'), student('u2', 'bob'), student('u1', 'Ada'), student('u0', 'Cy')],
    roomSegments: new Map([
      ['u1', [span(15, 50), span(0, 30)]],
      ['u2', [span(11, 60)]],
      ['u0', [span(20, 40)]],
      ['u3', [span(-5, 0.5)]],
    ]),
    meetingOpens: new Map([['u3', at(10 / 60)]]),
    messagesBy: new Map([['u1', 4]]),
    messages: 4,
    activity: { messages: new Map([[at(5).getTime(), 3]]), questions: new Map([[at(70).getTime(), 1]]), votes: new Map() },
  });
}

describe('computeSessionReport: a class of five', () => {
  const report = computeSessionReport(classOfFive());
  const row = (userId: string) => report.students.find((s) => s.userId === userId)!;

  test('matches the public schema', () => {
    assert.doesNotThrow(() => sessionReport.parse(report));
  });

  test('every roster student has one row, by name (case-insensitive) and then user id', () => {
    assert.deepEqual(
      report.students.map((s) => s.userId),
      ['u1', 'u2', 'u0', 'u3', 'u5'],
    );
  });

  test('statuses, minutes and percent of class', () => {
    const got = report.students.map((s) => [s.userId, s.status, s.minutes, s.percentOfClass]);
    assert.deepEqual(got, [
      ['u1', 'present', 50, 83.3],
      ['u2', 'late', 49, 81.7],
      ['u0', 'partial', 20, 33.3],
      ['u3', 'absent', 0.5, 0.8],
      ['u5', 'absent', 0, 0],
    ]);
  });

  test('segments are as stored, oldest first; first join and last leave are the real ones', () => {
    assert.deepEqual(row('u1').segments, [
      { joinedAt: iso(0), leftAt: iso(30) },
      { joinedAt: iso(15), leftAt: iso(50) },
    ]);
    assert.equal(row('u1').lastLeave, iso(50));
    assert.equal(row('u3').firstJoin, iso(-5));
    assert.equal(row('u5').firstJoin, null);
  });

  test('the meeting click is shown beside room time', () => {
    assert.equal(row('u3').joinedMeeting, true);
    assert.equal(row('u3').joinedMeetingAt, at(10 / 60).toISOString());
    assert.equal(row('u1').joinedMeeting, false);
    assert.equal(row('u1').meetingMinutes, null, 'no meeting data');
  });

  test('summary: counts, rate 2/5 = 40 %, median 20 min, average (50+49+20+0.5)/60 = 1.99 → 2.0', () => {
    const s = report.summary;
    assert.deepEqual(s.counts, { present: 1, late: 1, partial: 1, absent: 2 });
    assert.equal(s.rosterStudents, 5);
    assert.equal(s.attendanceRate, 40);
    assert.equal(s.medianMinutes, 20);
    assert.equal(s.averageConcurrent, 2);
    assert.equal(s.classMinutes, 60);
    assert.equal(s.scheduledEnd, iso(60));
  });

  test('peak: three at once (u1, u2, u0) first at 10:20', () => {
    assert.equal(report.summary.peakConcurrent, 3);
    assert.equal(report.summary.peakAt, iso(20));
  });

  test('timeline: 60 minutes; 2 at 10:00 (u1, u3), 1 at 10:10, 3 at 10:39, 2 at 10:40 (u0 left on the dot), 1 at 10:50', () => {
    assert.equal(report.timeline.length, 60);
    const attendees = (m: number) => report.timeline[m]!.attendees;
    assert.deepEqual([0, 10, 11, 20, 39, 40, 50, 59].map(attendees), [2, 1, 2, 3, 3, 2, 1, 1]);
    assert.equal(report.timeline[5]!.minute, iso(5));
  });

  test('activity lands on its minute; activity after the end is not in the timeline', () => {
    assert.equal(report.timeline[5]!.messages, 3);
    assert.equal(
      report.timeline.reduce((n, p) => n + p.questions, 0),
      0,
    );
  });
});

describe('computeSessionReport: edge classes', () => {
  test('median over an even count is the mean of the middle two: 10, 20, 30, 41 → 25', () => {
    const input = makeReportInput({
      roster: ['a', 'b', 'c', 'd'].map((id) => student(id)),
      roomSegments: new Map([
        ['a', [span(0, 10)]],
        ['b', [span(0, 20)]],
        ['c', [span(0, 30)]],
        ['d', [span(0, 41)]],
      ]),
    });
    assert.equal(computeSessionReport(input).summary.medianMinutes, 25);
  });

  test('a live class: an open stay counts up to now, the timeline runs to now, statuses use the scheduled 60 min', () => {
    const input = makeReportInput({
      session: { ...makeReportInput().session, status: 'live', actualEnd: null },
      roster: [student('u1')],
      roomSegments: new Map([['u1', [span(10, null)]]]),
      now: at(30),
    });
    const report = computeSessionReport(input);
    const row = report.students[0]!;
    assert.equal(row.minutes, 20);
    assert.equal(row.percentOfClass, 33.3); // 20 of 60
    assert.equal(row.status, 'partial');
    assert.equal(row.lastLeave, null);
    assert.equal(report.timeline.length, 30);
    assert.deepEqual(report.summary.peakAt, iso(10));
    assert.equal(report.summary.averageConcurrent, 0.7); // 20 student-min over a 30-min span
  });

  test('a stay left open past the end (a crash) counts only up to the end: 30…now=90 in 0…60 is 30 min', () => {
    const input = makeReportInput({ roster: [student('u1')], roomSegments: new Map([['u1', [span(30, null)]]]) });
    assert.equal(computeSessionReport(input).students[0]!.minutes, 30);
  });

  test('a class that never started: everyone absent, rate 0 of a real roster, no peak, an empty timeline of its schedule', () => {
    const input = makeReportInput({
      session: { ...makeReportInput().session, status: 'cancelled', actualStart: null, actualEnd: null },
      roster: [student('u1'), student('u2')],
      roomSegments: new Map([['u1', [span(0, 60)]]]),
    });
    const { summary, students, timeline } = computeSessionReport(input);
    assert.deepEqual(
      students.map((s) => [s.status, s.minutes]),
      [
        ['absent', 0],
        ['absent', 0],
      ],
    );
    assert.equal(summary.attendanceRate, 0);
    assert.equal(summary.actualStart, null);
    assert.deepEqual([summary.peakConcurrent, summary.peakAt, summary.averageConcurrent], [0, null, 0]);
    assert.equal(timeline.length, 60);
    assert.ok(timeline.every((p) => p.attendees === 0));
  });

  test('an empty roster: rates over nothing are null, not 0', () => {
    const s = computeSessionReport(makeReportInput()).summary;
    assert.deepEqual([s.attendanceRate, s.pollResponseRate, s.quizAverage, s.medianMinutes], [null, null, null, 0]);
  });

  test('source meeting with meeting data: only meeting time counts, a room-only student is absent', () => {
    const input = makeReportInput({
      rules: { presentPercent: 75, latePresentMinutes: 10, minimumMinutes: 1, source: 'meeting' },
      roster: [student('u1'), student('u2')],
      roomSegments: new Map([['u1', [span(0, 60)]]]),
      meetingSegments: new Map([['u2', [span(0, 50)]]]),
      hasMeetingData: true,
    });
    const [u1, u2] = computeSessionReport(input).students;
    assert.deepEqual([u1!.status, u1!.minutes, u1!.meetingMinutes], ['absent', 60, 0]);
    assert.deepEqual([u2!.status, u2!.minutes, u2!.meetingMinutes, u2!.percentOfClass], ['present', 0, 50, 83.3]);
    assert.deepEqual(u2!.meetingSegments, [{ joinedAt: iso(0), leftAt: iso(50) }]);
  });

  test('source either: the larger of room 20 and meeting 48 counts (80 %), on time by the room join at 0', () => {
    const input = makeReportInput({
      roster: [student('u1')],
      roomSegments: new Map([['u1', [span(0, 20)]]]),
      meetingSegments: new Map([['u1', [span(12, 60)]]]),
      hasMeetingData: true,
    });
    const row = computeSessionReport(input).students[0]!;
    assert.deepEqual([row.status, row.minutes, row.meetingMinutes, row.percentOfClass], ['present', 20, 48, 80]);
  });

  test('without meeting data, source meeting falls back to room time and meeting segments are not shown', () => {
    const input = makeReportInput({
      rules: { presentPercent: 75, latePresentMinutes: 10, minimumMinutes: 1, source: 'meeting' },
      roster: [student('u1')],
      roomSegments: new Map([['u1', [span(0, 50)]]]),
      meetingSegments: new Map([['u1', [span(0, 5)]]]),
      hasMeetingData: false,
    });
    const row = computeSessionReport(input).students[0]!;
    assert.deepEqual([row.status, row.meetingMinutes, row.meetingSegments], ['present', null, []]);
  });
});
