import type { AttendanceRow } from '../db/tables.ts';

export interface PersonAttendance {
  firstJoin: Date | null;
  lastLeave: Date | null;
  presentNow: boolean;
  /** Milliseconds present, overlapping segments merged. */
  presentMs: number;
  segments: number;
}

/**
 * Folds one user's segments (sorted by join time) into totals. Overlaps (two tabs, a REST join beside a socket join)
 * count once; an open segment counts up to `now`.
 */
export function summarizeSegments(segments: AttendanceRow[], now: Date): PersonAttendance {
  let presentMs = 0;
  let spanStart: number | null = null;
  let spanEnd = 0;
  let lastLeave: Date | null = null;
  let presentNow = false;
  for (const seg of segments) {
    const start = seg.joined_at.getTime();
    const end = seg.left_at ? seg.left_at.getTime() : Math.max(now.getTime(), start);
    if (seg.left_at === null) presentNow = true;
    else if (!lastLeave || seg.left_at > lastLeave) lastLeave = seg.left_at;
    if (spanStart === null || start > spanEnd) {
      if (spanStart !== null) presentMs += spanEnd - spanStart;
      spanStart = start;
      spanEnd = end;
    } else {
      spanEnd = Math.max(spanEnd, end);
    }
  }
  if (spanStart !== null) presentMs += spanEnd - spanStart;
  return {
    firstJoin: segments[0]?.joined_at ?? null,
    lastLeave: presentNow ? null : lastLeave,
    presentNow,
    presentMs,
    segments: segments.length,
  };
}
