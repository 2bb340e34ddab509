import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import { requireCourseManager } from '../reports/settings.service.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import type { Db } from '../db/kysely.ts';
import type { GroupSetRow } from '../db/tables.ts';
import { AppError, type ErrorDetail } from '../errors.ts';
import {
  findGroupSet,
  findGroupSetIds,
  findGroupSets,
  findRosterStudentIds,
  lockGroupSetWrites,
  replaceGroupSets,
} from './group-sets.repo.ts';
import type { GroupSet, PutGroupSetsBody } from './group-sets.schemas.ts';

export type GroupSetsService = ReturnType<typeof createGroupSetsService>;

const courseTarget = (courseId: string) => ({ type: 'course', id: courseId, courseId });

/** How many offending ids a NOT_ON_ROSTER refusal names. */
const NAMED_OFFENDERS = 10;

/**
 * A course's group sets (GET/PUT /api/courses/:courseId/group-sets): named sets of named groups of roster students,
 * read and replaced by the course's mentors and admins, for breakout rounds to start from.
 */
export function createGroupSetsService(db: Db, audit: AuditService) {
  const requireManager = (actor: Actor, courseId: string, action: 'course.group_sets.read' | 'course.group_sets.put') =>
    requireCourseManager(db, audit, actor, courseId, action);

  return {
    /** The course's sets in the order last saved, each group less anyone no longer a student on the roster. */
    async list(actor: Actor, courseId: string) {
      await requireManager(actor, courseId, 'course.group_sets.read');
      const [rows, students] = await Promise.all([findGroupSets(db, courseId), findRosterStudentIds(db, courseId)]);
      return { courseId, groupSets: rows.map((row) => presentGroupSet(row, students)) };
    },

    /** One set of the course; GROUP_SET_NOT_FOUND when it is not one of this course's. */
    async get(actor: Actor, courseId: string, groupSetId: string): Promise<GroupSet> {
      await requireManager(actor, courseId, 'course.group_sets.read');
      const [row, students] = await Promise.all([findGroupSet(db, courseId, groupSetId), findRosterStudentIds(db, courseId)]);
      if (!row) throw new AppError('GROUP_SET_NOT_FOUND', `Group set ${groupSetId} was not found in course ${courseId}`);
      return presentGroupSet(row, students);
    },

    /**
     * Replaces the course's whole list in one transaction: a set sent with its id keeps it (and its createdAt), one
     * without gets a new id, sets not sent are deleted. Every member must be a student on the roster now.
     */
    async put(actor: Actor, courseId: string, body: PutGroupSetsBody) {
      await requireManager(actor, courseId, 'course.group_sets.put');
      const sets = body.groupSets.map((s) => ({ id: s.id ?? randomUUID(), name: s.name, groups: s.groups }));
      const rows = await db.transaction().execute(async (trx) => {
        await lockGroupSetWrites(trx, courseId);
        requireOwnIds(body, await findGroupSetIds(trx, courseId));
        requireRosterStudents(body, await findRosterStudentIds(trx, courseId));
        const saved = await replaceGroupSets(trx, courseId, sets);
        // Counts, not names: the audit log is read more widely than the groups themselves.
        await insertAuditEntry(trx, auditEntry(actor, 'course.group_sets.put', courseTarget(courseId), 'success', countsOf(body)));
        return saved;
      });
      // Every member was just checked against the roster, in the same transaction.
      return { courseId, groupSets: rows.map((row) => presentGroupSet(row, null)) };
    },
  };
}

/** A set sent with an id must be one of this course's (a new set is sent without one). */
function requireOwnIds(body: PutGroupSetsBody, existing: Set<string>): void {
  const index = body.groupSets.findIndex((s) => s.id !== undefined && !existing.has(s.id));
  if (index < 0) return;
  const field = `body.groupSets.${index}.id`;
  const message = 'is not a group set of this course (send a new set without an id)';
  throw new AppError('VALIDATION_FAILED', `${field}: ${message}`, [{ field, message }]);
}

/** NOT_ON_ROSTER naming the first offending ids (and where they are), when a member is not a roster student. */
function requireRosterStudents(body: PutGroupSetsBody, students: Set<string>): void {
  const details: ErrorDetail[] = [];
  const offenders = new Set<string>();
  body.groupSets.forEach((set, s) => {
    set.groups.forEach((group, g) => {
      group.memberIds.forEach((memberId, m) => {
        if (students.has(memberId)) return;
        offenders.add(memberId);
        if (details.length < NAMED_OFFENDERS) {
          details.push({ field: `body.groupSets.${s}.groups.${g}.memberIds.${m}`, message: `${memberId} is not a student of this course` });
        }
      });
    });
  });
  if (offenders.size === 0) return;
  const named = [...offenders].slice(0, NAMED_OFFENDERS);
  const more = offenders.size > named.length ? ` and ${offenders.size - named.length} more` : '';
  throw new AppError('NOT_ON_ROSTER', `Not students on this course's roster: ${named.join(', ')}${more}`, details);
}

function countsOf(body: PutGroupSetsBody) {
  const groups = body.groupSets.flatMap((s) => s.groups);
  return { sets: body.groupSets.length, groups: groups.length, members: groups.reduce((n, g) => n + g.memberIds.length, 0) };
}

/** A stored set as the API shows it; `students` (when given) filters out members no longer students on the roster. */
function presentGroupSet(row: GroupSetRow, students: Set<string> | null): GroupSet {
  return {
    id: row.id,
    name: row.name,
    groups: row.groups.map((g) => ({
      name: g.name,
      memberIds: students ? g.memberIds.filter((id) => students.has(id)) : g.memberIds,
    })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
