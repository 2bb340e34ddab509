import type { Actor } from '../auth/actor.ts';
import { canManageCourse, canWriteRoster } from '../auth/policies.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { closeUserSegmentsInCourse } from '../attendance/attendance.repo.ts';
import type { Db } from '../db/kysely.ts';
import { AppError } from '../errors.ts';
import { ensureRosterUsers } from '../users/users.repo.ts';
import { deleteMember, findMembership, listMembers, upsertMembers } from './courses.repo.ts';
import type { PutMembersBody } from './courses.schemas.ts';

export type CoursesService = ReturnType<typeof createCoursesService>;

/** Course rosters: the LMS (an admin token) writes them; the course's mentors and admins read them. */
export function createCoursesService(db: Db, audit: AuditService) {
  const target = (courseId: string, userId: string | null = null) => ({
    type: userId ? 'course_member' : 'course',
    id: userId ?? courseId,
    courseId,
  });

  async function roster(courseId: string) {
    const rows = await listMembers(db, courseId);
    return {
      courseId,
      members: rows.map((r) => ({
        userId: r.user_id,
        name: r.name,
        email: r.email,
        role: r.role,
        addedAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      })),
    };
  }

  return {
    /** Upserts members (never removes any); returns the whole roster. */
    async putMembers(actor: Actor, courseId: string, body: PutMembersBody) {
      if (!canWriteRoster(actor)) {
        throw await audit.deny(actor, 'roster.put', target(courseId), forbidden('write a course roster'));
      }
      await db.transaction().execute(async (trx) => {
        await ensureRosterUsers(trx, body.members.map((m) => ({ id: m.userId, name: m.name, email: m.email })));
        await upsertMembers(trx, courseId, body.members);
        await insertAuditEntry(trx, auditEntry(actor, 'roster.put', target(courseId), 'success', { count: body.members.length }));
      });
      return roster(courseId);
    },

    async removeMember(actor: Actor, courseId: string, userId: string) {
      if (!canWriteRoster(actor)) {
        throw await audit.deny(actor, 'roster.remove', target(courseId, userId), forbidden('change a course roster'));
      }
      const removed = await db.transaction().execute(async (trx) => {
        const found = await deleteMember(trx, courseId, userId);
        if (!found) return false;
        // Someone who left the course is no longer in its classes: their attendance ends now.
        const closedSegments = await closeUserSegmentsInCourse(trx, courseId, userId, new Date());
        await insertAuditEntry(trx, auditEntry(actor, 'roster.remove', target(courseId, userId), 'success', { closedSegments }));
        return true;
      });
      if (!removed) throw new AppError('MEMBER_NOT_FOUND', `User ${userId} is not on the roster of course ${courseId}`);
    },

    async listMembers(actor: Actor, courseId: string) {
      if (!canManageCourse(actor, await this.membershipOf(actor, courseId))) {
        throw await audit.deny(actor, 'roster.read', target(courseId), forbidden("read this course's roster"));
      }
      return roster(courseId);
    },

    /** The actor's roster role in the course (admins need none). */
    membershipOf(actor: Actor, courseId: string) {
      return findMembership(db, courseId, actor.id);
    },
  };
}

function forbidden(what: string) {
  return new AppError('FORBIDDEN', `You may not ${what}`);
}
