import { type Kysely, sql } from 'kysely';
import type { Database, StoredGroup } from '../db/tables.ts';

/** A course's group sets in the order last saved. */
export async function findGroupSets(db: Kysely<Database>, courseId: string) {
  return db.selectFrom('course_group_sets').selectAll().where('course_id', '=', courseId).orderBy('position').execute();
}

/** One group set of a course, or undefined when it does not exist or is another course's. */
export async function findGroupSet(db: Kysely<Database>, courseId: string, id: string) {
  return db.selectFrom('course_group_sets').selectAll().where('course_id', '=', courseId).where('id', '=', id).executeTakeFirst();
}

/** The LMS ids of the course's roster students (mentors are not group members). */
export async function findRosterStudentIds(db: Kysely<Database>, courseId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('course_members')
    .select('user_id')
    .where('course_id', '=', courseId)
    .where('role', '=', 'student')
    .execute();
  return new Set(rows.map((r) => r.user_id));
}

/**
 * Serializes saves of one course's list for the rest of the transaction, so two concurrent PUTs cannot interleave
 * their deletes and inserts (and leave two sets of one name): the later one replaces what the earlier one saved.
 */
export async function lockGroupSetWrites(db: Kysely<Database>, courseId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`skill-probe-live:group-sets:${courseId}`}))`.execute(db);
}

/** The ids of the course's sets now. */
export async function findGroupSetIds(db: Kysely<Database>, courseId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('course_group_sets').select('id').where('course_id', '=', courseId).execute();
  return new Set(rows.map((r) => r.id));
}

export interface GroupSetWrite {
  id: string;
  name: string;
  groups: StoredGroup[];
}

/**
 * Makes `sets` the course's whole list, in this order: sets not in it are deleted, the others inserted or updated in
 * one statement. A kept set's `updated_at` moves only when its name or groups changed. Every id must be new or
 * already this course's (the caller checks, under lockGroupSetWrites).
 */
export async function replaceGroupSets(db: Kysely<Database>, courseId: string, sets: GroupSetWrite[]) {
  const keep = sets.map((s) => s.id);
  let drop = db.deleteFrom('course_group_sets').where('course_id', '=', courseId);
  if (keep.length > 0) drop = drop.where('id', 'not in', keep);
  await drop.execute();
  if (sets.length === 0) return [];
  const now = new Date();
  const rows = await db
    .insertInto('course_group_sets')
    .values(
      sets.map((s, position) => ({
        id: s.id,
        course_id: courseId,
        name: s.name,
        position,
        groups: JSON.stringify(s.groups),
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          position: eb.ref('excluded.position'),
          groups: eb.ref('excluded.groups'),
          updated_at: sql<Date>`CASE WHEN course_group_sets.name IS DISTINCT FROM excluded.name
            OR course_group_sets.groups IS DISTINCT FROM excluded.groups THEN excluded.updated_at
            ELSE course_group_sets.updated_at END`,
        }))
        .where('course_group_sets.course_id', '=', courseId),
    )
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.position - b.position);
}
