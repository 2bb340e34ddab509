import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { courseReport, type SessionReport } from '../reports.schemas.ts';
import { at, makePoll, makeReportInput, span, student } from '../../test/make-report-input.ts';
import { computeCourseReport, consecutiveAbsences, countedMinutes } from './course-report.ts';
import { computeSessionReport } from './session-report.ts';

const DAY = 24 * 60;
const roster = [student('u3', 'Cat'), student('u1', 'Ana'), student('u2', 'Ben')];
const vote = (userId: string, choice: number) => ({ userId, choice, atMs: at(5).getTime() });

/** A 60-minute class on day `day` (10:00–11:00 UTC) with the stays given in minutes from its start. */
function classOn(
  day: number,
  id: string,
  stays: Record<string, [number, number][]>,
  extra: Partial<Parameters<typeof makeReportInput>[0]> = {},
) {
  const base = makeReportInput().session;
  return computeSessionReport(
    makeReportInput({
      session: {
        ...base,
        id,
        title: `Class ${id}`,
        scheduledStart: at(day * DAY),
        actualStart: at(day * DAY),
        actualEnd: at(day * DAY + 60),
      },
      roster,
      roomSegments: new Map(
        Object.entries(stays).map(([u, list]) => [u, list.map(([from, to]) => span(day * DAY + from, day * DAY + to))]),
      ),
      now: at(day * DAY + 90),
      ...extra,
    }),
  );
}

/**
 * Three classes (given out of order):
 *   A day 0: Ana 0…60 present, Ben 0…50 present, Cat absent; quiz: Ana right, Ben wrong; Ana 2 messages
 *   B day 1: Ana 0…30 partial, Ben absent, Cat absent; two quizzes: Ana right once, wrong once; Ben answers none
 *   C day 2: Ana 15…60 late (45 min), Ben absent, Cat 0…0.5 absent; Ana 3 messages; two quizzes: Ana right in
 *            one and skips the other, Cat right in both
 * Ana: attended 2/3 = 66.7 %, 60+30+45 = 135 min, quiz 3 right of 5 asked in the classes she answered one =
 *      60 % (overall, not the mean of per-class 100 %, 50 % and 50 %), no run of absences.
 * Ben: 1/3 = 33.3 %, 50 min, quiz 0/1 = 0 % (class B, where he answered none, is left out), run 2 → at risk.
 * Cat: 0/3 = 0 %, 0.5 min, quiz 2/2 = 100 % (only class C: she took no part in A's and B's), run 3 → at risk.
 */
function threeClasses(): SessionReport[] {
  const a = classOn(
    0,
    's-a',
    { u1: [[0, 60]], u2: [[0, 50]] },
    {
      polls: [makePoll('qa', { correctOption: 0, responses: [vote('u1', 0), vote('u2', 1)] })],
      messagesBy: new Map([['u1', 2]]),
      messages: 2,
    },
  );
  const b = classOn(
    1,
    's-b',
    { u1: [[0, 30]] },
    {
      polls: [
        makePoll('qb1', { correctOption: 0, responses: [vote('u1', 0)] }),
        makePoll('qb2', { correctOption: 0, responses: [vote('u1', 2)] }),
      ],
    },
  );
  const c = classOn(
    2,
    's-c',
    { u1: [[15, 60]], u3: [[0, 0.5]] },
    {
      polls: [
        makePoll('qc1', { correctOption: 1, responses: [vote('u1', 1), vote('u3', 1)] }),
        makePoll('qc2', { correctOption: 1, responses: [vote('u3', 1)] }),
      ],
      messagesBy: new Map([['u1', 3]]),
      messages: 3,
    },
  );
  return [c, a, b];
}

describe('computeCourseReport', () => {
  const report = computeCourseReport({ courseId: 'course-1', from: at(0), to: null, now: at(4 * DAY), roster, classes: threeClasses() });

  test('matches the public schema', () => {
    assert.doesNotThrow(() => courseReport.parse(report));
    assert.deepEqual([report.from, report.to, report.generatedAt], [at(0).toISOString(), null, at(4 * DAY).toISOString()]);
  });

  test('students by name: held, attended, rate, counted minutes, quiz average, run of absences, at risk', () => {
    assert.deepEqual(
      report.students.map((s) => [
        s.name,
        s.classesHeld,
        s.classesAttended,
        s.attendanceRate,
        s.minutes,
        s.quizAverage,
        s.consecutiveAbsences,
        s.atRisk,
      ]),
      [
        ['Ana', 3, 2, 66.7, 135, 60, 0, false],
        ['Ben', 3, 1, 33.3, 50, 0, 2, true],
        ['Cat', 3, 0, 0, 0.5, 100, 3, true],
      ],
    );
  });

  test('participation sums across classes', () => {
    const ana = report.students[0]!;
    assert.deepEqual([ana.messages, ana.pollsAnswered], [5, 4]);
  });

  test('classes oldest first with their rate, peak and engagement', () => {
    assert.deepEqual(
      report.classes.map((c) => [c.sessionId, c.date, c.attendanceRate, c.peakConcurrent, c.messages, c.votes]),
      [
        ['s-a', at(0).toISOString(), 66.7, 2, 2, 2],
        ['s-b', at(DAY).toISOString(), 0, 1, 0, 2],
        ['s-c', at(2 * DAY).toISOString(), 33.3, 1, 3, 3],
      ],
    );
  });

  test('no classes in the range: every rate is null and nobody is at risk', () => {
    const empty = computeCourseReport({ courseId: 'course-1', from: null, to: null, now: at(0), roster, classes: [] });
    assert.ok(empty.students.every((s) => s.classesHeld === 0 && s.attendanceRate === null && !s.atRisk));
    assert.deepEqual(empty.classes, []);
  });
});

describe('consecutiveAbsences', () => {
  test('counts back from the latest class and stops at the first one attended', () => {
    assert.equal(consecutiveAbsences(['absent', 'present', 'absent', 'absent']), 2);
    assert.equal(consecutiveAbsences(['absent', 'absent', 'partial']), 0);
    assert.equal(consecutiveAbsences([]), 0);
  });

  test('partial and late break the run like present does', () => {
    assert.equal(consecutiveAbsences(['absent', 'partial', 'absent']), 1);
    assert.equal(consecutiveAbsences(['absent', 'late', 'absent']), 1);
  });

  test('a class without a row for the student neither breaks nor extends the run', () => {
    assert.equal(consecutiveAbsences(['present', 'absent', undefined, 'absent']), 2);
  });
});

describe('countedMinutes', () => {
  const row = computeSessionReport(makeReportInput({ roster: [student('u1')] })).students[0]!;

  test('room, meeting or the larger, with room standing in without meeting data', () => {
    const both = { ...row, minutes: 20, meetingMinutes: 48 };
    assert.deepEqual(
      (['room', 'meeting', 'either'] as const).map((s) => countedMinutes(both, s)),
      [20, 48, 48],
    );
    assert.equal(countedMinutes({ ...row, minutes: 20, meetingMinutes: null }, 'meeting'), 20);
  });
});
