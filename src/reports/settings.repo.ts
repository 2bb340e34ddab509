import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

/** A course's saved settings row, or undefined while the course has only the defaults. */
export async function findCourseSettings(db: Kysely<Database>, courseId: string) {
  return db.selectFrom('course_settings').selectAll().where('course_id', '=', courseId).executeTakeFirst();
}

/** Replaces a course's attendance rules (PUT semantics: the whole object, as validated). */
export async function upsertCourseSettings(db: Kysely<Database>, courseId: string, attendance: Record<string, unknown>, userId: string) {
  const now = new Date();
  return db
    .insertInto('course_settings')
    .values({ course_id: courseId, attendance: JSON.stringify(attendance), updated_by: userId, updated_at: now })
    .onConflict((oc) => oc.column('course_id').doUpdateSet({ attendance: JSON.stringify(attendance), updated_by: userId, updated_at: now }))
    .returningAll()
    .executeTakeFirstOrThrow();
}
