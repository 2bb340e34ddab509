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
 * count once; an open segment counts up to `now`, or, once the class has ended (`endedAt`), up to its end: a segment
 * left open past the end (a breakout room's, say, should its close have failed) never grows, and nobody is present in
 * a class that is over. `lastLeave` is as stored: null while a segment is open.
 */
export function summarizeSegments(segments: AttendanceRow[], now: Date, endedAt: Date | null = null): PersonAttendance {
  let presentMs = 0;
  let spanStart: number | null = null;
  let spanEnd = 0;
  let lastLeave: Date | null = null;
  let open = false;
  const openUntil = (endedAt ?? now).getTime();
  for (const seg of segments) {
    const start = seg.joined_at.getTime();
    const end = seg.left_at ? seg.left_at.getTime() : Math.max(openUntil, start);
    if (seg.left_at === null) open = true;
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
    lastLeave: open ? null : lastLeave,
    presentNow: open && endedAt === null,
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

/** When a report is computed, whether (and when) its class ended, and each user's breakout room per round. */
export interface ReconcileOptions {
  now: Date;
  /** The class's actual end; null while it has not ended (open segments then count up to now). */
  endedAt: Date | null;
  roomsOf?: ReadonlyMap<string, string[]>;
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
  { now, endedAt, roomsOf = new Map() }: ReconcileOptions,
) {
  const byUser = Map.groupBy(segments, (s) => s.user_id);
  const roleOf = new Map(members.map((m) => [m.userId, m.role]));
  const row = (p: ReportedPerson) => {
    const s = summarizeSegments(byUser.get(p.userId) ?? [], now, endedAt);
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
