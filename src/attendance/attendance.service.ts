import type { Actor } from '../auth/actor.ts';
import { isAdmin } from '../auth/policies.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import { listMembers } from '../courses/courses.repo.ts';
import { findMembership } from '../classroom/access.repo.ts';
import type { Db } from '../db/kysely.ts';
import type { LiveSessionRow } from '../db/tables.ts';
import {
  isEnded,
  type LoadSession,
  type SessionAccess,
  sessionEndedError,
  sessionNotFound,
  sessionTarget,
} from '../classroom/session-access.ts';
import type { ClassEndHook } from '../classroom/feature.ts';
import {
  closeOpenSegments,
  closeSegment,
  listAttendeeNames,
  listSegments,
  lockSessionStatus,
  openSegment,
  recordMeetingOpen,
} from './attendance.repo.ts';
import { listClassBreakoutRooms } from '../reports/breakouts.repo.ts';
import { breakoutsByClass } from '../reports/report-breakouts.ts';
import { reconcileAttendance } from './attendance.report.ts';

export type AttendanceService = ReturnType<typeof createAttendanceService>;

/** The meeting link made for one person (see MeetingsService.linkFor). */
export type LinkFor = (session: LiveSessionRow, actor: Actor, manages: boolean) => Promise<string | null>;

/** The class ended: every open segment closes at that instant, in the transaction that ended it. */
export const closeAttendanceAtClassEnd: ClassEndHook = async (trx, sessionId, at) => {
  const closedSegments = await closeOpenSegments(trx, sessionId, at);
  return closedSegments > 0 ? { audit: { closedSegments } } : {};
};

export function createAttendanceService(
  db: Db,
  audit: AuditService,
  loadSession: LoadSession,
  linkFor: LinkFor,
  /** After a join committed (breakouts place a late joiner); not awaited, and never rejects. */
  onJoined?: (actor: Actor, access: SessionAccess) => void,
) {
  return {
    /**
     * Opens (or keeps) the caller's attendance segment, records that they opened the meeting link (the report's
     * joinedMeeting) and hands the link out. REST `POST …/join` and the socket's `meeting:open` both come here.
     */
    async join(actor: Actor, sessionId: string) {
      const access = await loadSession(actor, sessionId, 'view', 'attendance.join');
      const { session, manages } = access;
      if (isEnded(session.status)) {
        throw await audit.deny(actor, 'attendance.join', sessionTarget(session), sessionEndedError(session.status, 'join it'));
      }
      const segment = await audit.guard(actor, 'attendance.join', sessionTarget(session), () =>
        db.transaction().execute(async (trx) => {
          // Checked again under lock: the class may have ended, or the caller left the roster, since the check above.
          const status = await lockSessionStatus(trx, session.id);
          if (!status) throw sessionNotFound(session.id);
          if (isEnded(status)) throw sessionEndedError(status, 'join it');
          if (!isAdmin(actor) && !(await findMembership(trx, session.course_id, actor.id, true))) throw sessionNotFound(session.id);
          const now = new Date();
          const seg = await openSegment(trx, session.id, actor.id, now);
          await recordMeetingOpen(trx, session.id, actor.id, now);
          await insertAuditEntry(trx, auditEntry(actor, 'attendance.join', sessionTarget(session), 'success'));
          return seg;
        }),
      );
      onJoined?.(actor, access);
      return {
        sessionId: session.id,
        joinedAt: segment.joined_at.toISOString(),
        meeting: {
          provider: session.meeting_provider,
          url: await linkFor(session, actor, manages),
          status: session.meeting_status,
          error: manages ? session.meeting_error : null,
        },
      };
    },

    /** Closes the caller's open segment; leaving when not present is a harmless no-op. */
    async leave(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'view', 'attendance.leave');
      const closed = await db.transaction().execute(async (trx) => {
        const seg = await closeSegment(trx, session.id, actor.id, new Date());
        if (seg) await insertAuditEntry(trx, auditEntry(actor, 'attendance.leave', sessionTarget(session), 'success'));
        return seg;
      });
      return { sessionId: session.id, present: false as const, leftAt: closed?.left_at?.toISOString() ?? null };
    },

    /**
     * Attendance reconciled against the roster (course mentors and admins). A class's breakout rooms are part of it
     * (issue 15): their segments are the class's, and each row names the user's rooms.
     */
    async report(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'attendance.read');
      // The rooms' segments come through the class's rounds in the same statements: no round trip before these.
      const [members, segments, attendees, rooms] = await Promise.all([
        listMembers(db, session.course_id),
        listSegments(db, session.id, true),
        listAttendeeNames(db, session.id, true),
        listClassBreakoutRooms(db, [session.id]),
      ]);
      const now = new Date();
      const roster = members.map((m) => ({ userId: m.user_id, name: m.name, email: m.email, role: m.role }));
      const attended = attendees.map((a) => ({ userId: a.id, name: a.name, email: a.email }));
      const roomsOf = breakoutsByClass(rooms).get(session.id)?.roomsOf;
      const reconciled = reconcileAttendance(roster, attended, segments, { now, endedAt: session.actual_end, roomsOf });
      return { sessionId: session.id, status: session.status, generatedAt: now.toISOString(), ...reconciled };
    },
  };
}
