import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, makeReportInput, span, student } from '../../test/make-report-input.ts';
import { sessionReport } from '../reports.schemas.ts';
import { computeSessionReport } from './session-report.ts';

const HOUR = 60;

/** A class held from minute 0 for `minutes`, with the stays and per-minute messages given. */
function heldFor(minutes: number, extra: Parameters<typeof makeReportInput>[0] = {}) {
  const base = makeReportInput().session;
  return computeSessionReport(
    makeReportInput({
      session: { ...base, durationMinutes: 60, actualStart: at(0), actualEnd: at(minutes) },
      now: at(minutes + 5),
      ...extra,
    }),
  );
}

describe('the timeline of a long class', () => {
  test('up to 24 hours: one point per minute, step 1', () => {
    const report = heldFor(24 * HOUR);
    assert.equal(report.timeline.length, 1440);
    assert.equal(report.timelineStepMinutes, 1);
    assert.equal(report.timeline[1]!.minute, at(1).toISOString());
  });

  test('a class left live for 3 days: 1,440 points of 3 minutes each, the whole span covered', () => {
    // u1 is in for minutes 10…11 of day 2; u2 for 30 seconds at 72 h − 1 min. Messages at minutes 0, 1 and 2 share a point.
    const report = heldFor(3 * 24 * HOUR, {
      roster: [student('u1'), student('u2')],
      roomSegments: new Map([
        ['u1', [span(24 * HOUR + 10, 24 * HOUR + 11)]],
        ['u2', [span(72 * HOUR - 1, 72 * HOUR - 0.5)]],
      ]),
      messages: 6,
      activity: {
        messages: new Map([
          [at(0).getTime(), 1],
          [at(1).getTime(), 2],
          [at(2).getTime(), 3],
        ]),
        questions: new Map([[at(3).getTime(), 1]]),
        votes: new Map([[at(72 * HOUR + 30).getTime(), 1]]),
      },
    });
    assert.doesNotThrow(() => sessionReport.parse(report));
    assert.equal(report.timelineStepMinutes, 3);
    assert.equal(report.timeline.length, 1440);
    assert.deepEqual(
      report.timeline.slice(0, 2).map((p) => [p.minute, p.messages, p.questions]),
      [
        [at(0).toISOString(), 6, 0],
        [at(3).toISOString(), 0, 1],
      ],
    );
    // Minute 24 h + 10 falls in the point starting at 24 h + 9 (every 3 minutes from the start).
    const u1Point = report.timeline.findIndex((p) => p.attendees > 0);
    assert.equal(report.timeline[u1Point]!.minute, at(24 * HOUR + 9).toISOString());
    assert.equal(report.timeline[u1Point + 1]!.attendees, 0);
    assert.equal(report.timeline.at(-1)!.minute, at(72 * HOUR - 3).toISOString());
    assert.equal(report.timeline.at(-1)!.attendees, 1);
    // Activity after the end is not shown, whatever the step.
    assert.equal(
      report.timeline.reduce((n, p) => n + p.votes, 0),
      0,
    );
  });

  test('just over a day widens the step to 2 minutes, so never more than 1,440 points', () => {
    const report = heldFor(24 * HOUR + 1);
    assert.equal(report.timelineStepMinutes, 2);
    assert.equal(report.timeline.length, 721);
  });

  test('a point counts a student once even when they are in several of its minutes', () => {
    const report = heldFor(3 * 24 * HOUR, { roster: [student('u1')], roomSegments: new Map([['u1', [span(0, 3)]]]) });
    assert.deepEqual(
      report.timeline.slice(0, 2).map((p) => p.attendees),
      [1, 0],
    );
  });
});
