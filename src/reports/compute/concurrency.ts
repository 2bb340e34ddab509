import type { Interval } from './spans.ts';

export const MINUTE_MS = 60_000;

/**
 * The most students present at once and the earliest moment that many were, by an exact sweep over each student's
 * merged stays. Stays are half-open: one student leaving at the instant another joins is not two at once.
 */
export function peakConcurrent(perStudent: readonly Interval[][]): { peak: number; at: number | null } {
  let count = 0;
  for (const intervals of perStudent) count += intervals.length * 2;
  // A leave is encoded as 2t and a join as 2t + 1, so one numeric sort puts leaves before joins at the same instant.
  // A typed array sorts numerically without a comparator call per pair (15,000 stays: ~1 ms instead of ~8).
  const edges = new Float64Array(count);
  let i = 0;
  for (const intervals of perStudent) {
    for (const iv of intervals) {
      edges[i++] = iv.start * 2 + 1;
      edges[i++] = iv.end * 2;
    }
  }
  edges.sort();
  let current = 0;
  let peak = 0;
  let at: number | null = null;
  for (const edge of edges) {
    if (edge % 2 === 1) {
      current += 1;
      if (current > peak) {
        peak = current;
        at = (edge - 1) / 2;
      }
    } else {
      current -= 1;
    }
  }
  return { peak, at };
}

/** The start of each minute of a span, aligned to the clock's minutes (as activity is bucketed by the loader). */
export function minutesOf(span: Interval): number[] {
  return pointsOf(span, 1);
}

/** How many clock minutes a span touches (what minutesOf lists). */
export function minuteCount(span: Interval): number {
  return Math.max(0, Math.ceil(span.end / MINUTE_MS) - Math.floor(span.start / MINUTE_MS));
}

/** The start of each `stepMinutes`-long point of a span, from the clock minute it starts in. */
export function pointsOf(span: Interval, stepMinutes: number): number[] {
  const step = stepMinutes * MINUTE_MS;
  const out: number[] = [];
  for (let m = Math.floor(span.start / MINUTE_MS) * MINUTE_MS; m < span.end; m += step) out.push(m);
  return out;
}

/**
 * For each minute of the span, how many students were present at any moment of it. A student with several stays
 * inside one minute counts once; each stay marks a run of minutes in a difference array, so the cost is the
 * number of stays plus the number of minutes, not their product. With `stepMinutes`, the same per point of that
 * many minutes (pointsOf): a student in several of its minutes counts once.
 */
export function attendeesPerMinute(span: Interval, perStudent: readonly Interval[][], stepMinutes = 1): number[] {
  const step = stepMinutes * MINUTE_MS;
  const origin = Math.floor(span.start / MINUTE_MS) * MINUTE_MS;
  const count = Math.max(0, Math.ceil((span.end - origin) / step));
  const diff = new Array<number>(count + 1).fill(0);
  for (const intervals of perStudent) {
    let marked = -1; // the last point index already counted for this student
    for (const iv of intervals) {
      const from = Math.max(Math.floor((iv.start - origin) / step), marked + 1);
      const to = Math.min(Math.ceil((iv.end - origin) / step) - 1, count - 1);
      if (to < from) continue;
      diff[from] = (diff[from] ?? 0) + 1;
      diff[to + 1] = (diff[to + 1] ?? 0) - 1;
      marked = to;
    }
  }
  const out: number[] = [];
  let running = 0;
  for (let i = 0; i < count; i++) {
    running += diff[i] ?? 0;
    out.push(running);
  }
  return out;
}
