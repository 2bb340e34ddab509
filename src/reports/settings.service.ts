import type { Actor } from '../auth/actor.ts';
import { canManageCourse } from '../auth/policies.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import { membershipOf } from '../classroom/membership.ts';
import type { Db } from '../db/kysely.ts';
import { AppError } from '../errors.ts';
import type { AttendanceRules } from './reports.schemas.ts';
import { effectiveRules } from './rules.ts';
import { findCourseSettings, upsertCourseSettings } from './settings.repo.ts';

export type SettingsService = ReturnType<typeof createSettingsService>;

export const courseTarget = (courseId: string) => ({ type: 'course', id: courseId, courseId });

/**
 * The managers' gate for course-wide reads and writes, as the roster read answers: anyone who does not manage the
 * course (its students, other courses' mentors) gets 403, audited. Courses belong to the LMS, so a 404 would hide
 * nothing the caller could not guess.
 */
export async function requireCourseManager(
  db: Db,
  audit: AuditService,
  actor: Actor,
  courseId: string,
  action: Parameters<AuditService['deny']>[1],
) {
  if (!canManageCourse(actor, await membershipOf(db, actor, courseId))) {
    throw await audit.deny(actor, action, courseTarget(courseId), new AppError('FORBIDDEN', "Only the course's mentors may do this"));
  }
}

/** A course's attendance rules (GET/PUT /api/courses/:courseId/settings). */
export function createSettingsService(db: Db, audit: AuditService) {
  return {
    async get(actor: Actor, courseId: string) {
      await requireCourseManager(db, audit, actor, courseId, 'course.settings.read');
      const row = await findCourseSettings(db, courseId);
      return { courseId, attendance: effectiveRules(row?.attendance, null), updatedAt: row?.updated_at.toISOString() ?? null };
    },

    /** Replaces the rules; the body was parsed with defaults, so what is stored is complete. */
    async put(actor: Actor, courseId: string, attendance: AttendanceRules) {
      await requireCourseManager(db, audit, actor, courseId, 'course.settings.put');
      const row = await db.transaction().execute(async (trx) => {
        const saved = await upsertCourseSettings(trx, courseId, attendance, actor.id);
        await insertAuditEntry(trx, auditEntry(actor, 'course.settings.put', courseTarget(courseId), 'success', { attendance }));
        return saved;
      });
      return { courseId, attendance: effectiveRules(row.attendance, null), updatedAt: row.updated_at.toISOString() };
    },
  };
}
