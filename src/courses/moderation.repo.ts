import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

/** A course's moderation row, or undefined while it has never saved one. */
export async function findCourseModeration(db: Kysely<Database>, courseId: string) {
  return db.selectFrom('course_moderation').selectAll().where('course_id', '=', courseId).executeTakeFirst();
}

/** Replaces a course's blocked words. */
export async function upsertCourseModeration(db: Kysely<Database>, courseId: string, blockedWords: string[], userId: string) {
  const now = new Date();
  const words = JSON.stringify(blockedWords);
  return db
    .insertInto('course_moderation')
    .values({ course_id: courseId, blocked_words: words, updated_by: userId, updated_at: now })
    .onConflict((oc) => oc.column('course_id').doUpdateSet({ blocked_words: words, updated_by: userId, updated_at: now }))
    .returningAll()
    .executeTakeFirstOrThrow();
}
