import type { AttendanceRow, RosterRole } from '../db/tables.ts';

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

/** Someone a report lists: a roster member or an attendee, by user id and with the email the LMS gave. */
export interface ReportedPerson {
  userId: string;
  name: string;
  email: string | null;
}

/**
 * Reconciles attendance with the roster: every roster student appears (absent when they never joined); anyone else
 * who attended — mentors, people no longer on the roster — is listed apart under `others`. `segments` may hold a
 * class's breakout-room segments beside its own (sorted by user, then join): time in a room is time in the class,
 * and `roomsOf` gives each user's room per round.
 */
export function reconcileAttendance(
  members: (ReportedPerson & { role: RosterRole })[],
  attendees: ReportedPerson[],
  segments: AttendanceRow[],
  now: Date,
  roomsOf: ReadonlyMap<string, string[]> = new Map(),
) {
  const byUser = Map.groupBy(segments, (s) => s.user_id);
  const roleOf = new Map(members.map((m) => [m.userId, m.role]));
  const row = (p: ReportedPerson) => {
    const s = summarizeSegments(byUser.get(p.userId) ?? [], now);
    return {
      ...p,
      rosterRole: roleOf.get(p.userId) ?? null,
      status: s.segments > 0 ? ('present' as const) : ('absent' as const),
      firstJoin: s.firstJoin?.toISOString() ?? null,
      lastLeave: s.lastLeave?.toISOString() ?? null,
      minutesPresent: Math.round(s.presentMs / 600) / 100,
      presentNow: s.presentNow,
      segments: s.segments,
      breakoutRooms: roomsOf.get(p.userId) ?? [],
    };
  };
  const person = ({ userId, name, email }: ReportedPerson) => ({ userId, name, email });
  const students = members.filter((m) => m.role === 'student').map((m) => row(person(m)));
  const others = attendees.filter((a) => roleOf.get(a.userId) !== 'student').map((a) => row(person(a)));
  return {
    summary: {
      rosterStudents: students.length,
      attended: students.filter((r) => r.status === 'present').length,
      absent: students.filter((r) => r.status === 'absent').length,
      presentNow: students.filter((r) => r.presentNow).length,
      notOnRoster: others.filter((r) => r.rosterRole === null).length,
    },
    students,
    others,
  };
}
