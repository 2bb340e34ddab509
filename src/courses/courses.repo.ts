import { type Kysely, sql } from 'kysely';
import { inBatches } from '../db/batches.ts';
import type { Database, RosterRole } from '../db/tables.ts';

export async function upsertMembers(
  db: Kysely<Database>,
  courseId: string,
  members: { userId: string; role: RosterRole }[],
): Promise<void> {
  const now = new Date();
  for (const batch of inBatches(members)) {
    await db
      .insertInto('course_members')
      .values(batch.map((m) => ({ course_id: courseId, user_id: m.userId, role: m.role, updated_at: now })))
      .onConflict((oc) =>
        oc
          .columns(['course_id', 'user_id'])
          .doUpdateSet((eb) => ({ role: eb.ref('excluded.role'), updated_at: now }))
          .where('course_members.role', 'is distinct from', (eb) => eb.ref('excluded.role')),
      )
      .execute();
  }
}

export async function deleteMember(db: Kysely<Database>, courseId: string, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('course_members').where('course_id', '=', courseId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The roster with names, mentors first, then by name. */
export async function listMembers(db: Kysely<Database>, courseId: string, role?: RosterRole) {
  let q = db
    .selectFrom('course_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.name', 'u.email', 'm.role', 'm.created_at', 'm.updated_at'])
    .where('m.course_id', '=', courseId);
  if (role) q = q.where('m.role', '=', role);
  return q.orderBy('m.role').orderBy('u.name').orderBy('m.user_id').execute();
}

/** Course ids the user is on the roster of. */
export async function listCourseIdsOf(db: Kysely<Database>, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('course_members').select('course_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.course_id);
}

/** Of these courses, the ones the user is a roster mentor of. */
export async function listMentoredCourseIds(db: Kysely<Database>, userId: string, courseIds: string[]): Promise<string[]> {
  if (courseIds.length === 0) return [];
  const rows = await db
    .selectFrom('course_members')
    .select('course_id')
    .where('user_id', '=', userId)
    .where('role', '=', 'mentor')
    .where('course_id', 'in', courseIds)
    .execute();
  return rows.map((r) => r.course_id);
}

/**
 * Serializes roster uploads for the rest of the transaction. An upload touches many user rows in two passes (named
 * and unnamed members), so two concurrent uploads could otherwise lock shared rows in opposite orders and deadlock.
 */
export async function lockRosterWrites(db: Kysely<Database>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('skill-probe-live:roster'))`.execute(db);
}

/** The course's name as its LMS calls it (an LTI context's title), if it came from one. */
export async function findCourseTitle(db: Kysely<Database>, courseId: string): Promise<string | null> {
  const row = await db.selectFrom('lti_contexts').select('title').where('course_id', '=', courseId).executeTakeFirst();
  return row?.title ?? null;
}
