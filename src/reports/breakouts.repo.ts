import { type Kysely, sql } from 'kysely';
import type { Database, LiveSessionRow } from '../db/tables.ts';

type MeetingSyncStatus = LiveSessionRow['meeting_sync_status'];

// The breakout rooms a report counts as part of their class (issue 15): a room is a child live session, so a student's
// stays in it are attendance rows of another session id. These reads are one statement for any number of classes,
// through breakout_rounds (session_id, opened_at), breakout_rooms (round_id, position) and breakout_members (its
// room index, or its (round_id, user_id) key for one student). Reads of the rooms' rows (stays, meeting opens, guests)
// reach them through the rounds in the same statement, never by a list of room ids: a class without breakouts costs
// an empty index probe of breakout_rounds in each, and no round trip of its own.

/**
 * The room sessions of the classes' breakout rounds, as a subquery for `session_id IN (…)`: a read over every room of
 * a course report binds one parameter per class (at most 500), never one per room, which could pass PostgreSQL's
 * 65,535. Through breakout_rounds (session_id, opened_at) and breakout_rooms (round_id, position).
 */
export function roomSessionIds(db: Kysely<Database>, classIds: readonly string[]) {
  return db
    .selectFrom('breakout_rounds as r')
    .innerJoin('breakout_rooms as b', 'b.round_id', 'r.id')
    .select('b.session_id')
    .where('r.session_id', 'in', classIds);
}

/** A class and its breakout rooms, as one subquery of session ids (what GET …/attendance reads as the class). */
export function classAndRoomSessionIds(db: Kysely<Database>, classId: string) {
  return db.selectNoFrom(sql<string>`${classId}::uuid`.as('session_id')).unionAll(roomSessionIds(db, [classId]));
}

/** A breakout room of a class, with who its round assigned to it last (moves update the membership). */
export interface ClassBreakoutRoom {
  /** The class (the room session's parent). */
  classId: string;
  roundId: string;
  /** The room's own live session, whose attendance rows count as time in the class. */
  sessionId: string;
  name: string;
  memberIds: string[];
  /** Where the room's own meeting-attendance sync stands (its session's), for the class report's summary. */
  meetingSync: { status: MeetingSyncStatus; syncedAt: Date | null; error: string | null };
}

/**
 * Every breakout room of the classes, in round order (by when each round opened) then room order. With `onlyUserId`,
 * `memberIds` holds that user alone where they are the member (a student's own report reads no one else's row).
 */
export async function listClassBreakoutRooms(
  db: Kysely<Database>,
  classIds: readonly string[],
  onlyUserId?: string,
): Promise<ClassBreakoutRoom[]> {
  if (classIds.length === 0) return [];
  const members =
    onlyUserId === undefined
      ? sql`SELECT json_agg(m.user_id) FROM breakout_members m WHERE m.room_id = b.id`
      : sql`SELECT json_agg(m.user_id) FROM breakout_members m WHERE m.round_id = r.id AND m.user_id = ${onlyUserId} AND m.room_id = b.id`;
  const { rows } = await sql<{
    class_id: string;
    round_id: string;
    session_id: string;
    name: string;
    members: string[] | string | null;
    meeting_sync_status: MeetingSyncStatus;
    meeting_synced_at: Date | null;
    meeting_sync_error: string | null;
  }>`
    SELECT r.session_id AS class_id, r.id AS round_id, b.session_id, b.name, (${members}) AS members,
      s.meeting_sync_status, s.meeting_synced_at, s.meeting_sync_error
    FROM breakout_rounds r
    JOIN breakout_rooms b ON b.round_id = r.id
    JOIN live_sessions s ON s.id = b.session_id
    WHERE r.session_id IN (${sql.join(classIds)})
    ORDER BY r.opened_at, r.id, b.position`.execute(db);
  // pg parses json itself; PGlite may hand back the text.
  const ids = (m: string[] | string | null) => (m === null ? [] : typeof m === 'string' ? (JSON.parse(m) as string[]) : m);
  return rows.map((r) => ({
    classId: r.class_id,
    roundId: r.round_id,
    sessionId: r.session_id,
    name: r.name,
    memberIds: ids(r.members),
    meetingSync: {
      status: r.meeting_sync_status,
      syncedAt: r.meeting_synced_at === null ? null : new Date(r.meeting_synced_at),
      error: r.meeting_sync_error,
    },
  }));
}
