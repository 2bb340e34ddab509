import type { SessionReportInput, Span } from '../report-input.ts';

/** A closed, half-open interval [start, end) in ms since the epoch: what every count below works on. */
export interface Interval {
  start: number;
  end: number;
}

/** The part of the class that time counts towards, and the duration statuses are measured against. */
export interface ClassWindow {
  /** False while the class never started: nothing counts, everyone is absent. */
  started: boolean;
  /** [actualStart, actualEnd ?? now] once started; the scheduled span while it never started. */
  span: Interval;
  /** The actual duration once ended; the scheduled duration while live or never started. */
  classMs: number;
  /** Where lateness is measured from (actual start; scheduled start while never started). */
  startMs: number;
}

/** Works out the class window from the session row and the report's `now`. */
export function classWindow(session: SessionReportInput['session'], now: Date): ClassWindow {
  const scheduledStart = session.scheduledStart.getTime();
  const scheduledMs = session.durationMinutes * 60_000;
  if (session.actualStart === null) {
    return {
      started: false,
      span: { start: scheduledStart, end: scheduledStart + scheduledMs },
      classMs: scheduledMs,
      startMs: scheduledStart,
    };
  }
  const start = session.actualStart.getTime();
  // max(): a clock a few ms behind the stored start must not give a negative span.
  const end = Math.max(start, (session.actualEnd ?? now).getTime());
  const classMs = session.actualEnd === null ? scheduledMs : end - start;
  return { started: true, span: { start, end }, classMs, startMs: start };
}

/**
 * Cuts stays to the window: an open stay counts up to `now`, then everything outside the window is dropped, so time
 * in the room before the start or after the end (or a stay left open by a crash) adds nothing.
 */
export function clipSpans(spans: readonly Span[], window: Interval, now: Date): Interval[] {
  const out: Interval[] = [];
  for (const s of spans) {
    const start = Math.max(s.joinedAt.getTime(), window.start);
    const end = Math.min((s.leftAt ?? now).getTime(), window.end);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** Sorts and joins overlapping or touching intervals, so two tabs open at once count once. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out.at(-1);
    if (last && iv.start <= last.end) last.end = Math.max(last.end, iv.end);
    else out.push({ start: iv.start, end: iv.end });
  }
  return out;
}

/** Total length of intervals that do not overlap (the output of mergeIntervals). */
export function totalMs(merged: readonly Interval[]): number {
  let sum = 0;
  for (const iv of merged) sum += iv.end - iv.start;
  return sum;
}

/** Clip then merge: the stays of one student that count, as disjoint intervals in time order. */
export function countableIntervals(spans: readonly Span[], window: ClassWindow, now: Date): Interval[] {
  if (!window.started) return [];
  return mergeIntervals(clipSpans(spans, window.span, now));
}
