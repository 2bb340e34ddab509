import type { Actor } from '../auth/actor.ts';
import { canManageCourse, canViewCourse, canWriteRoster } from '../auth/policies.ts';
import { closeUserSegmentsInCourse } from '../attendance/attendance.repo.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import type { Db } from '../db/kysely.ts';
import type { Database, RosterRole } from '../db/tables.ts';
import type { Transaction } from 'kysely';
import { AppError } from '../errors.ts';
import { ensureRosterUsers } from '../users/users.repo.ts';
import { toRosterDto } from './courses.presenter.ts';
import { deleteMember, findCourseTitle, listMembers, lockRosterWrites, upsertMembers } from './courses.repo.ts';
import type { PutMembersBody } from './courses.schemas.ts';
import { invalidateMembership, membershipOf } from '../classroom/membership.ts';

export type CoursesService = ReturnType<typeof createCoursesService>;

const courseTarget = (courseId: string) => ({ type: 'course', id: courseId, courseId });
const memberTarget = (courseId: string, userId: string) => ({ type: 'course_member', id: userId, courseId });

/** Course rosters: the LMS (an admin token) writes them; the course's mentors and admins read them. */
export function createCoursesService(
  db: Db,
  audit: AuditService,
  /** After a removal commits: the member's sockets leave the course's session rooms. */
  onMemberRemoved: (courseId: string, userId: string) => Promise<void> = async () => {},
  /** After an upsert commits: other nodes forget the members' cached roles too. */
  onMembersChanged: (courseId: string, userIds: string[]) => void = () => {},
) {
  const roster = async (courseId: string) => toRosterDto(courseId, await listMembers(db, courseId));

  return {
    /** Upserts members (never removes any); returns the whole roster. */
    async putMembers(actor: Actor, courseId: string, body: PutMembersBody) {
      if (!canWriteRoster(actor)) {
        throw await audit.deny(actor, 'roster.put', courseTarget(courseId), forbidden('write a course roster'));
      }
      const members = body.members;
      await db.transaction().execute(async (trx) => {
        await lockRosterWrites(trx);
        await ensureRosterUsers(
          trx,
          members.map((m) => ({ id: m.userId, name: m.name, email: m.email })),
        );
        await upsertMembers(trx, courseId, members);
        await insertAuditEntry(trx, auditEntry(actor, 'roster.put', courseTarget(courseId), 'success', { count: members.length }));
      });
      // Committed: a role change (or a new member) counts from the members' next action.
      for (const m of members) invalidateMembership(courseId, m.userId);
      onMembersChanged(
        courseId,
        members.map((m) => m.userId),
      );
      return roster(courseId);
    },

    /** Removes a member; their open attendance in the course's sessions ends with it. */
    async removeMember(actor: Actor, courseId: string, userId: string) {
      const target = memberTarget(courseId, userId);
      if (!canWriteRoster(actor)) throw await audit.deny(actor, 'roster.remove', target, forbidden('change a course roster'));
      const removed = await db.transaction().execute(async (trx) => {
        if (!(await deleteMember(trx, courseId, userId))) return false;
        const closedSegments = await closeUserSegmentsInCourse(trx, courseId, userId, new Date());
        await insertAuditEntry(trx, auditEntry(actor, 'roster.remove', target, 'success', { closedSegments }));
        return true;
      });
      // Before anything else: their very next vote or message is refused, not served from the cache.
      invalidateMembership(courseId, userId);
      if (!removed) throw new AppError('MEMBER_NOT_FOUND', `User ${userId} is not on the roster of course ${courseId}`);
      await onMemberRemoved(courseId, userId);
    },

    /**
     * Makes the roster exactly `members` (an LMS roster sync, issue 16): upserts them and removes everyone else, each
     * removal closing the member's open attendance as removeMember does, in one transaction with `within` (the caller's
     * own writes). The caller has checked access; `actor` is who asked (null for a sync the service started itself).
     */
    async replaceRoster(
      actor: Actor | null,
      courseId: string,
      members: { userId: string; name?: string; email?: string; role: RosterRole }[],
      within: (trx: Transaction<Database>) => Promise<void> = async () => {},
    ) {
      const at = new Date();
      const outcome = await db.transaction().execute(async (trx) => {
        await lockRosterWrites(trx);
        const before = new Map((await listMembers(trx, courseId)).map((m) => [m.user_id, m.role]));
        const keep = new Set(members.map((m) => m.userId));
        await ensureRosterUsers(
          trx,
          members.map((m) => ({ id: m.userId, name: m.name, email: m.email })),
        );
        await upsertMembers(trx, courseId, members);
        const removed = [...before.keys()].filter((userId) => !keep.has(userId));
        let closedSegments = 0;
        for (const userId of removed) {
          await deleteMember(trx, courseId, userId);
          closedSegments += await closeUserSegmentsInCourse(trx, courseId, userId, at);
        }
        const added = members.filter((m) => !before.has(m.userId)).map((m) => m.userId);
        const changed = members.filter((m) => before.has(m.userId) && before.get(m.userId) !== m.role).map((m) => m.userId);
        const counts = { members: members.length, added: added.length, roleChanged: changed.length, removed: removed.length };
        await within(trx);
        await insertAuditEntry(trx, auditEntry(actor, 'roster.sync', courseTarget(courseId), 'success', { ...counts, closedSegments }));
        return { added, changed, removed, counts };
      });
      // Committed: as after putMembers and removeMember, caches forget first, then rooms and other nodes hear.
      for (const userId of [...outcome.added, ...outcome.changed, ...outcome.removed]) invalidateMembership(courseId, userId);
      if (outcome.added.length + outcome.changed.length > 0) onMembersChanged(courseId, [...outcome.added, ...outcome.changed]);
      for (const userId of outcome.removed) await onMemberRemoved(courseId, userId);
      return outcome.counts;
    },

    /** The course as its members see it: its id and, for a course launched from an LMS, the LMS's title. */
    async get(actor: Actor, courseId: string): Promise<{ courseId: string; title: string | null }> {
      if (!canViewCourse(actor, await membershipOf(db, actor, courseId))) {
        throw await audit.deny(
          actor,
          'course.read',
          courseTarget(courseId),
          new AppError('FORBIDDEN', 'You are not a member of this course'),
        );
      }
      return { courseId, title: await findCourseTitle(db, courseId) };
    },

    async listMembers(actor: Actor, courseId: string) {
      if (!canManageCourse(actor, await membershipOf(db, actor, courseId))) {
        throw await audit.deny(actor, 'roster.read', courseTarget(courseId), forbidden("read this course's roster"));
      }
      return roster(courseId);
    },
  };
}

function forbidden(what: string) {
  return new AppError('FORBIDDEN', `You may not ${what}`);
}
