import type { Kysely } from 'kysely';
import type { AttendanceRow, Database } from '../db/tables.ts';

/** Opens a segment unless the user already has an open one; returns the open segment either way. */
export async function openSegment(db: Kysely<Database>, sessionId: string, userId: string, at: Date): Promise<AttendanceRow> {
  const inserted = await db
    .insertInto('session_attendance')
    .values({ session_id: sessionId, user_id: userId, joined_at: at })
    .onConflict((oc) => oc.columns(['session_id', 'user_id']).where('left_at', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return inserted;
  return db
    .selectFrom('session_attendance')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('left_at', 'is', null)
    .executeTakeFirstOrThrow();
}

/** Closes the user's open segment; returns it, or undefined when they were not present. */
export async function closeSegment(db: Kysely<Database>, sessionId: string, userId: string, at: Date) {
  return db
    .updateTable('session_attendance')
    .set({ left_at: at })
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('left_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Closes every open segment of a session (the class ended); returns how many. */
export async function closeOpenSegments(db: Kysely<Database>, sessionId: string, at: Date): Promise<number> {
  const result = await db
    .updateTable('session_attendance')
    .set({ left_at: at })
    .where('session_id', '=', sessionId)
    .where('left_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function listSegments(db: Kysely<Database>, sessionId: string): Promise<AttendanceRow[]> {
  return db
    .selectFrom('session_attendance')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('user_id')
    .orderBy('joined_at')
    .execute();
}

/** Everyone who attended, with their current names (they may no longer be on the roster). */
export async function listAttendeeNames(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('id', 'in', (eb) => eb.selectFrom('session_attendance').select('user_id').where('session_id', '=', sessionId))
    .execute();
}

/** Closes a user's open segments in every session of a course (they left the roster). */
export async function closeUserSegmentsInCourse(db: Kysely<Database>, courseId: string, userId: string, at: Date) {
  const result = await db
    .updateTable('session_attendance')
    .set({ left_at: at })
    .where('user_id', '=', userId)
    .where('left_at', 'is', null)
    .where('session_id', 'in', (eb) => eb.selectFrom('live_sessions').select('id').where('course_id', '=', courseId))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
