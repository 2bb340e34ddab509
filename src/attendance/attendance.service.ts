import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { listMembers } from '../courses/courses.repo.ts';
import type { Db } from '../db/kysely.ts';
import type { AttendanceRow, LiveSessionRow } from '../db/tables.ts';
import { type LoadSession, sessionEndedError } from '../sessions/session-access.ts';
import { closeSegment, listAttendeeNames, listSegments, openSegment } from './attendance.repo.ts';
import { summarizeSegments } from './attendance.report.ts';

export type AttendanceService = ReturnType<typeof createAttendanceService>;

const target = (s: LiveSessionRow) => ({ type: 'session', id: s.id, courseId: s.course_id, sessionId: s.id });

export function createAttendanceService(db: Db, loadSession: LoadSession) {
  return {
    /** Opens (or keeps) the caller's attendance segment and hands out the meeting link. */
    async join(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'view', 'attendance.join');
      if (session.status === 'completed' || session.status === 'cancelled') throw sessionEndedError(session, 'join it');
      const segment = await db.transaction().execute(async (trx) => {
        const seg = await openSegment(trx, session.id, actor.id, new Date());
        await insertAuditEntry(trx, auditEntry(actor, 'attendance.join', target(session), 'success'));
        return seg;
      });
      return {
        sessionId: session.id,
        joinedAt: segment.joined_at.toISOString(),
        meeting: { provider: session.meeting_provider, url: session.meeting_url, status: session.meeting_status },
      };
    },

    /** Closes the caller's open segment; leaving when not present is a harmless no-op. */
    async leave(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'view', 'attendance.leave');
      const closed = await db.transaction().execute(async (trx) => {
        const seg = await closeSegment(trx, session.id, actor.id, new Date());
        if (seg) await insertAuditEntry(trx, auditEntry(actor, 'attendance.leave', target(session), 'success'));
        return seg;
      });
      return { sessionId: session.id, present: false as const, leftAt: closed?.left_at?.toISOString() ?? null };
    },

    /** Attendance reconciled against the roster: every roster student, present or absent, plus any guests. */
    async report(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'attendance.read');
      const [members, segments, attendees] = await Promise.all([
        listMembers(db, session.course_id),
        listSegments(db, session.id),
        listAttendeeNames(db, session.id),
      ]);
      const now = new Date();
      const byUser = groupByUser(segments);
      const roleOf = new Map(members.map((m) => [m.user_id, m.role]));
      // Roster students always appear (absent when they never joined); anyone else only when they attended.
      const people = [
        ...members.filter((m) => m.role === 'student').map((m) => ({ userId: m.user_id, name: m.name, email: m.email })),
        ...attendees
          .filter((a) => roleOf.get(a.id) !== 'student')
          .map((a) => ({ userId: a.id, name: a.name, email: a.email })),
      ].map((p) => ({ ...p, rosterRole: roleOf.get(p.userId) ?? null }));
      const rows = people.map((p) => {
        const s = summarizeSegments(byUser.get(p.userId) ?? [], now);
        return {
          ...p,
          status: s.segments > 0 ? ('present' as const) : ('absent' as const),
          firstJoin: s.firstJoin?.toISOString() ?? null,
          lastLeave: s.lastLeave?.toISOString() ?? null,
          minutesPresent: Math.round(s.presentMs / 600) / 100,
          presentNow: s.presentNow,
          segments: s.segments,
        };
      });
      const rosterRows = rows.filter((r) => r.rosterRole === 'student');
      return {
        sessionId: session.id,
        status: session.status,
        generatedAt: now.toISOString(),
        summary: {
          rosterStudents: rosterRows.length,
          attended: rosterRows.filter((r) => r.status === 'present').length,
          absent: rosterRows.filter((r) => r.status === 'absent').length,
          presentNow: rows.filter((r) => r.presentNow).length,
          notOnRoster: rows.filter((r) => r.rosterRole === null).length,
        },
        students: rows,
      };
    },
  };
}

function groupByUser(segments: AttendanceRow[]): Map<string, AttendanceRow[]> {
  const map = new Map<string, AttendanceRow[]>();
  for (const seg of segments) {
    const list = map.get(seg.user_id);
    if (list) list.push(seg);
    else map.set(seg.user_id, [seg]);
  }
  return map;
}
