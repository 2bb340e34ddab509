import type { SessionReportInput } from '../report-input.ts';
import type { SessionReport } from '../reports.schemas.ts';
import { MINUTE_MS, attendeesPerMinute, minuteCount, pointsOf } from './concurrency.ts';
import { isoUtc } from './numbers.ts';
import type { Interval } from './spans.ts';
import type { StudentResult } from './students.ts';

/** A day of minutes: up to this many, the timeline has one point per minute; beyond, its points widen to fit. */
export const MAX_TIMELINE_POINTS = 1440;

/**
 * The minutes per timeline point: 1 up to 24 hours of class span, then the fewest that keep the points at most
 * MAX_TIMELINE_POINTS (a class left live for three days gets 3-minute points), so the report stays small.
 */
export function timelineStep(span: Interval): number {
  return Math.max(1, Math.ceil(minuteCount(span) / MAX_TIMELINE_POINTS));
}

/**
 * The timeline over the class span, from the clock minute it starts in, one point per `timelineStepMinutes`:
 * roster students present at any moment of the point, and the activity of its minutes summed. Activity outside the
 * span is not shown.
 */
export function timeline(
  activity: SessionReportInput['activity'],
  span: Interval,
  results: readonly StudentResult[],
): Pick<SessionReport, 'timeline' | 'timelineStepMinutes'> {
  const step = timelineStep(span);
  const points = pointsOf(span, step);
  const attendees = attendeesPerMinute(
    span,
    results.map((r) => r.counted.intervals),
    step,
  );
  const sums = {
    messages: new Array<number>(points.length).fill(0),
    questions: new Array<number>(points.length).fill(0),
    votes: new Array<number>(points.length).fill(0),
  };
  const origin = points[0] ?? 0;
  for (const kind of ['messages', 'questions', 'votes'] as const) {
    for (const [minute, n] of activity[kind]) {
      const i = Math.floor((minute - origin) / (step * MINUTE_MS));
      if (minute >= origin && minute < span.end && i < points.length) sums[kind][i] = (sums[kind][i] ?? 0) + n;
    }
  }
  return {
    timelineStepMinutes: step,
    timeline: points.map((minute, i) => ({
      minute: isoUtc(minute),
      attendees: attendees[i] ?? 0,
      messages: sums.messages[i] ?? 0,
      questions: sums.questions[i] ?? 0,
      votes: sums.votes[i] ?? 0,
    })),
  };
}
