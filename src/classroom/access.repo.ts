import { type Kysely, sql } from 'kysely';
import type { Database, LiveSessionRow, RosterRole } from '../db/tables.ts';

// The two reads every access check makes: the session row and the caller's roster role. They live with the access
// checks (and their caches), so the class core depends on no feature's repository.

export async function findSession(db: Kysely<Database>, id: string): Promise<LiveSessionRow | undefined> {
  return db.selectFrom('live_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The user's role in the course roster, or null. `lock` holds the row until the transaction ends, so a concurrent
 * roster removal waits for (and then sees) what the caller writes.
 */
export async function findMembership(db: Kysely<Database>, courseId: string, userId: string, lock = false): Promise<RosterRole | null> {
  let q = db.selectFrom('course_members').select('role').where('course_id', '=', courseId).where('user_id', '=', userId);
  if (lock) q = q.forShare();
  const row = await q.executeTakeFirst();
  return row?.role ?? null;
}

/** Many users' roster roles in one course, in one statement; users not on the roster are absent from the map. */
export async function findMemberships(db: Kysely<Database>, courseId: string, userIds: string[]): Promise<Map<string, RosterRole>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('course_members')
    .select(['user_id', 'role'])
    .where('course_id', '=', courseId)
    .where('user_id', '=', sql<string>`any(${userIds}::text[])`)
    .execute();
  return new Map(rows.map((r) => [r.user_id, r.role]));
}

/** Whether the user is assigned to the breakout room that `roomSessionId` is the session of. */
export async function isRoomMember(db: Kysely<Database>, roomSessionId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('breakout_members as m')
    .innerJoin('breakout_rooms as r', 'r.id', 'm.room_id')
    .select('m.user_id')
    .where('r.session_id', '=', roomSessionId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}
