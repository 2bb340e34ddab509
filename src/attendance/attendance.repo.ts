import { type Kysely, sql } from 'kysely';
import type { AttendanceRow, Database, SessionStatus } from '../db/tables.ts';
import { classAndRoomSessionIds } from '../reports/breakouts.repo.ts';

/**
 * The session's status, with the row share-locked until the transaction ends: a concurrent status change waits for
 * the caller's commit, so ending a class sees (and closes) a segment opened at the same moment.
 */
export async function lockSessionStatus(db: Kysely<Database>, sessionId: string): Promise<SessionStatus | undefined> {
  const row = await db.selectFrom('live_sessions').select('status').where('id', '=', sessionId).forShare().executeTakeFirst();
  return row?.status;
}

/** Opens a segment unless the user already has an open one; returns the open segment either way. */
export async function openSegment(
  db: Kysely<Database>,
  sessionId: string,
  userId: string,
  at: Date,
  via: 'rest' | 'socket' = 'rest',
): Promise<AttendanceRow> {
  // Two rounds: a concurrent leave may close the open segment between our insert and our read.
  for (let round = 0; round < 2; round++) {
    const inserted = await db
      .insertInto('session_attendance')
      .values({ session_id: sessionId, user_id: userId, joined_at: at, via })
      .onConflict((oc) => oc.columns(['session_id', 'user_id']).where('left_at', 'is', null).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return inserted;
    const open = await db
      .selectFrom('session_attendance')
      .selectAll()
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('left_at', 'is', null)
      .executeTakeFirst();
    if (open) return open;
  }
  throw new Error(`could not open an attendance segment for ${userId} in ${sessionId}`);
}

/**
 * The user opened the class's meeting link: the first time is kept, the last time and the count move on. Written in
 * the join's transaction, so a join that fails leaves no open recorded.
 */
export async function recordMeetingOpen(db: Kysely<Database>, sessionId: string, userId: string, at: Date): Promise<void> {
  await db
    .insertInto('meeting_opens')
    .values({ session_id: sessionId, user_id: userId, first_opened_at: at, last_opened_at: at })
    .onConflict((oc) =>
      oc.columns(['session_id', 'user_id']).doUpdateSet({
        last_opened_at: sql<Date>`greatest(meeting_opens.last_opened_at, excluded.last_opened_at)`,
        opens: sql<number>`meeting_opens.opens + 1`,
      }),
    )
    .execute();
}

/** One step of a presence batch: a user's segment in a session opens or closes at `at`. */
export interface SegmentChange {
  open: boolean;
  sessionId: string;
  userId: string;
  at: Date;
}

/**
 * Applies a batch of segment changes in order, set-wise: each run of opens is one INSERT … SELECT unnest(…) (a user
 * who already has an open segment keeps it), each run of closes one UPDATE … FROM unnest(…). A join storm's batch
 * of hundreds of joins is one statement, not one per join; a join followed by a leave of the same user stays in that
 * order.
 */
export async function applySegmentChanges(db: Kysely<Database>, changes: SegmentChange[], via: 'rest' | 'socket' = 'socket') {
  for (let i = 0; i < changes.length; ) {
    const open = changes[i]?.open;
    let end = i;
    while (end < changes.length && changes[end]?.open === open) end++;
    const run = changes.slice(i, end);
    const sessions = run.map((c) => c.sessionId);
    const users = run.map((c) => c.userId);
    const ats = run.map((c) => c.at.toISOString());
    if (open) {
      await sql`
        INSERT INTO session_attendance (session_id, user_id, joined_at, via)
        SELECT s, u, a, ${via} FROM unnest(${sessions}::uuid[], ${users}::text[], ${ats}::timestamptz[]) AS t(s, u, a)
        ON CONFLICT (session_id, user_id) WHERE left_at IS NULL DO NOTHING`.execute(db);
    } else {
      await sql`
        UPDATE session_attendance AS a SET left_at = greatest(a.joined_at, t.at)
        FROM unnest(${sessions}::uuid[], ${users}::text[], ${ats}::timestamptz[]) AS t(s, u, at)
        WHERE a.session_id = t.s AND a.user_id = t.u AND a.left_at IS NULL`.execute(db);
    }
    i = end;
  }
}

/**
 * A segment never ends before it began: a join stamped a moment after a concurrent "class ended" (which waited for
 * it under lock) is closed at its own start.
 */
const closedAt = (at: Date) => sql<Date>`greatest(joined_at, ${at})`;

/** Closes the user's open segment; returns it, or undefined when they were not present. */
export async function closeSegment(db: Kysely<Database>, sessionId: string, userId: string, at: Date) {
  return db
    .updateTable('session_attendance')
    .set({ left_at: closedAt(at) })
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
    .set({ left_at: closedAt(at) })
    .where('session_id', '=', sessionId)
    .where('left_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * A session's segments by user, oldest first; `withBreakoutRooms`, its breakout rooms' too, interleaved in join order,
 * so a report folds a student's time in the class and in its rooms as one. The rooms are read through the class's
 * rounds in the same statement: a class without breakouts pays no extra round trip.
 */
export async function listSegments(db: Kysely<Database>, sessionId: string, withBreakoutRooms = false): Promise<AttendanceRow[]> {
  return db
    .selectFrom('session_attendance')
    .selectAll()
    .where((eb) => (withBreakoutRooms ? eb('session_id', 'in', classAndRoomSessionIds(db, sessionId)) : eb('session_id', '=', sessionId)))
    .orderBy('user_id')
    .orderBy('joined_at')
    .execute();
}

/**
 * Everyone who attended the session (`withBreakoutRooms`: or one of its breakout rooms), with their current names (they
 * may no longer be on the roster).
 */
export async function listAttendeeNames(db: Kysely<Database>, sessionId: string, withBreakoutRooms = false) {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('session_attendance')
        .select('user_id')
        .where((w) => (withBreakoutRooms ? w('session_id', 'in', classAndRoomSessionIds(db, sessionId)) : w('session_id', '=', sessionId))),
    )
    .orderBy('name')
    .orderBy('id')
    .execute();
}

/** Closes a user's open segments in every session of a course (they left the roster). */
export async function closeUserSegmentsInCourse(db: Kysely<Database>, courseId: string, userId: string, at: Date) {
  const result = await db
    .updateTable('session_attendance')
    .set({ left_at: closedAt(at) })
    .where('user_id', '=', userId)
    .where('left_at', 'is', null)
    .where('session_id', 'in', (eb) => eb.selectFrom('live_sessions').select('id').where('course_id', '=', courseId))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Segments opened by sockets and still open: after a restart, presence gives their owners a grace period. */
export async function listOpenSocketSegments(db: Kysely<Database>) {
  return db
    .selectFrom('session_attendance as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .innerJoin('live_sessions as s', 's.id', 'a.session_id')
    .select(['a.session_id', 'a.user_id', 'u.name', 'u.role', 's.course_id'])
    .where('a.left_at', 'is', null)
    .where('a.via', '=', 'socket')
    .execute();
}
