import type { AttendanceRules, AttendanceStatus } from '../reports.schemas.ts';
import type { ClassWindow, Interval } from './spans.ts';
import { totalMs } from './spans.ts';

/** What one student's status is decided on: the counted stays, their total and the first moment they count from. */
export interface CountedTime {
  /** The stays of the source that counts, merged and clipped: the timeline, peak and average use these. */
  intervals: Interval[];
  ms: number;
  /** The earliest counted join (clipped to the class start), or null when nothing counts. */
  firstJoinMs: number | null;
}

/**
 * Picks the time that counts under `source`. `room` counts the class page; `meeting` the video meeting, falling
 * back to room time when the class has no meeting data at all (pass `meeting` as null then); `either` the larger
 * total of the two (room on a tie). Under `either` lateness is measured from the earliest join in either place:
 * a student in the room from the start who joined the meeting later was on time. A join counts for lateness only if
 * that stay lasted `minimumMs` (the rules' minimumMinutes): a glance at the class page at the start does not make a
 * student who came 30 minutes later on time. With no stay that long, the first stay is used.
 */
export function countedTime(room: Interval[], meeting: Interval[] | null, source: AttendanceRules['source'], minimumMs = 0): CountedTime {
  const roomMs = totalMs(room);
  const first = (...sources: Interval[][]) => {
    const earliest = (starts: (number | undefined)[]) => {
      const known = starts.filter((t) => t !== undefined);
      return known.length > 0 ? Math.min(...known) : null;
    };
    return (
      earliest(sources.map((intervals) => intervals.find((i) => i.end - i.start >= minimumMs)?.start)) ??
      earliest(sources.map((intervals) => intervals[0]?.start))
    );
  };
  if (meeting === null || source === 'room') return { intervals: room, ms: roomMs, firstJoinMs: first(room) };
  const meetingMs = totalMs(meeting);
  if (source === 'meeting') return { intervals: meeting, ms: meetingMs, firstJoinMs: first(meeting) };
  const firstJoinMs = first(room, meeting);
  return meetingMs > roomMs ? { intervals: meeting, ms: meetingMs, firstJoinMs } : { intervals: room, ms: roomMs, firstJoinMs };
}

/**
 * One status per roster student, decided on exact milliseconds (rounding happens only when the report shows
 * minutes and percentages): `absent` below minimumMinutes; `partial` from minimumMinutes up to just below
 * presentPercent of the class; `present` from exactly presentPercent; `late` when present but the first counted
 * join came more than latePresentMinutes after the start (exactly latePresentMinutes is still on time). A class
 * that never started has everyone absent.
 */
export function studentStatus(
  counted: Pick<CountedTime, 'ms' | 'firstJoinMs'>,
  window: ClassWindow,
  rules: AttendanceRules,
): AttendanceStatus {
  if (!window.started) return 'absent';
  // No time at all is absent even under minimumMinutes 0: "some time" is what partial means.
  if (counted.ms === 0 || counted.ms < rules.minimumMinutes * 60_000) return 'absent';
  // Integer arithmetic (ms × 100 against percent × ms), so "exactly 75 %" is never lost to a float.
  if (counted.ms * 100 < rules.presentPercent * window.classMs) return 'partial';
  const lateAfter = window.startMs + rules.latePresentMinutes * 60_000;
  return counted.firstJoinMs !== null && counted.firstJoinMs > lateAfter ? 'late' : 'present';
}
