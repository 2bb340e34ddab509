import { randomUUID } from 'node:crypto';
import { type Insertable, type Kysely, type Selectable, sql, type Updateable } from 'kysely';
import type { BreakoutRoomsTable, BreakoutRoundsTable, Database, LiveSessionRow, NewLiveSession } from '../db/tables.ts';

type Q = Kysely<Database>;
export type RoundRow = Selectable<BreakoutRoundsTable>;
export type RoomRow = Selectable<BreakoutRoomsTable>;
/** A room with its session's link state, as the round's DTO shows it. */
export type RoomWithMeeting = RoomRow & { meeting_status: LiveSessionRow['meeting_status'] };
export interface MemberRow {
  round_id: string;
  user_id: string;
  room_id: string;
}

/** Members inserted per statement: three parameters each, well under PostgreSQL's 65,535. */
const MEMBER_CHUNK = 5000;

/** The class's round that is not closed (open or closing), if any. */
export async function findActiveRound(db: Q, classId: string): Promise<RoundRow | undefined> {
  return db.selectFrom('breakout_rounds').selectAll().where('session_id', '=', classId).where('status', '<>', 'closed').executeTakeFirst();
}

/** The round, locked until commit (taken after the class's lock, like every breakout change). */
export async function lockRound(db: Q, roundId: string): Promise<RoundRow | undefined> {
  return db.selectFrom('breakout_rounds').selectAll().where('id', '=', roundId).forUpdate().executeTakeFirst();
}

/** A `breakout:updated` is owed to the round's class (its broadcast coalesces; the flag outlives a crash). */
export async function markRoundPending(db: Q, roundId: string): Promise<void> {
  await db.updateTable('breakout_rounds').set({ broadcast_pending: true }).where('id', '=', roundId).execute();
}

/** Clears the owed flag; true when it was set (the caller then says the round). */
export async function clearRoundPending(db: Q, roundId: string): Promise<boolean> {
  const cleared = await db
    .updateTable('breakout_rounds')
    .set({ broadcast_pending: false })
    .where('id', '=', roundId)
    .where('broadcast_pending', '=', true)
    .executeTakeFirst();
  return cleared.numUpdatedRows > 0n;
}

/** The rounds whose class is still owed a `breakout:updated` (after a stop or a crash). */
export async function listPendingRounds(db: Q): Promise<{ sessionId: string; id: string }[]> {
  return db.selectFrom('breakout_rounds').select(['session_id as sessionId', 'id']).where('broadcast_pending', '=', true).execute();
}

/** The class's rounds, oldest first. */
export async function listRounds(db: Q, classId: string): Promise<RoundRow[]> {
  return db.selectFrom('breakout_rounds').selectAll().where('session_id', '=', classId).orderBy('opened_at').orderBy('id').execute();
}

export async function insertRound(db: Q, values: Insertable<BreakoutRoundsTable>): Promise<RoundRow> {
  return db.insertInto('breakout_rounds').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function updateRound(db: Q, roundId: string, changes: Updateable<BreakoutRoundsTable>): Promise<RoundRow> {
  return db.updateTable('breakout_rounds').set(changes).where('id', '=', roundId).returningAll().executeTakeFirstOrThrow();
}

/**
 * Inserts the rooms' sessions in one statement, in order. Their join codes are drawn by the database; the rare
 * collision skips a row (ON CONFLICT DO NOTHING keeps the transaction usable), which is inserted again with a new code.
 */
export async function insertRoomSessions(db: Q, values: NewLiveSession[]): Promise<LiveSessionRow[]> {
  const wanted = values.map((v) => ({ ...v, id: randomUUID() }));
  const byId = new Map<string, LiveSessionRow>();
  for (let attempt = 1, missing = wanted; missing.length > 0; attempt++) {
    if (attempt > 5) throw new Error('No free join codes for the breakout rooms after 5 draws');
    const rows = await db
      .insertInto('live_sessions')
      .values(missing)
      .onConflict((oc) => oc.column('join_code').doNothing())
      .returningAll()
      .execute();
    for (const row of rows) byId.set(row.id, row);
    missing = missing.filter((v) => !byId.has(v.id));
  }
  return wanted.map((v) => byId.get(v.id) as LiveSessionRow);
}

export async function insertRooms(db: Q, rooms: Insertable<BreakoutRoomsTable>[]): Promise<RoomRow[]> {
  const rows = await db.insertInto('breakout_rooms').values(rooms).returningAll().execute();
  return rows.sort((a, b) => a.position - b.position);
}

/** Places users at open (each once; the caller deduplicates). */
export async function insertMembers(db: Q, members: MemberRow[]): Promise<void> {
  for (let i = 0; i < members.length; i += MEMBER_CHUNK) {
    await db
      .insertInto('breakout_members')
      .values(members.slice(i, i + MEMBER_CHUNK))
      .execute();
  }
}

/** Puts a user in a room of the round (a move, a choice, a late joiner); returns the room they were in before, if any. */
export async function placeMember(db: Q, roundId: string, userId: string, roomId: string): Promise<string | undefined> {
  const before = await findMemberRoom(db, roundId, userId);
  await db
    .insertInto('breakout_members')
    .values({ round_id: roundId, user_id: userId, room_id: roomId, assigned_at: new Date() })
    .onConflict((oc) => oc.columns(['round_id', 'user_id']).doUpdateSet({ room_id: roomId, assigned_at: new Date() }))
    .execute();
  return before;
}

/** The room a user is in, in a round. */
export async function findMemberRoom(db: Q, roundId: string, userId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('breakout_members')
    .select('room_id')
    .where('round_id', '=', roundId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.room_id;
}

/** The rounds' rooms in order, with their sessions' link states. */
export async function listRoomsOf(db: Q, roundIds: string[]): Promise<RoomWithMeeting[]> {
  if (roundIds.length === 0) return [];
  return db
    .selectFrom('breakout_rooms as r')
    .innerJoin('live_sessions as s', 's.id', 'r.session_id')
    .selectAll('r')
    .select('s.meeting_status')
    .where('r.round_id', 'in', roundIds)
    .orderBy('r.round_id')
    .orderBy('r.position')
    .execute();
}

/** The rounds' members, in the order they were placed. */
export async function listMembersOf(db: Q, roundIds: string[]): Promise<MemberRow[]> {
  if (roundIds.length === 0) return [];
  return db
    .selectFrom('breakout_members')
    .select(['round_id', 'user_id', 'room_id'])
    .where('round_id', 'in', roundIds)
    .orderBy('assigned_at')
    .orderBy('user_id')
    .execute();
}

/** How many are in each room of the round (rooms nobody is in are absent). */
export async function countMembersByRoom(db: Q, roundId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('breakout_members')
    .select(['room_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('round_id', '=', roundId)
    .groupBy('room_id')
    .execute();
  return new Map(rows.map((r) => [r.room_id, Number(r.n)]));
}

export async function setRoomHelp(db: Q, roomId: string, at: Date | null, by: string | null): Promise<void> {
  await db.updateTable('breakout_rooms').set({ help_requested_at: at, help_requested_by: by }).where('id', '=', roomId).execute();
}

/** The room whose session this is, with its round's id and class. */
export async function findRoomBySession(db: Q, roomSessionId: string) {
  return db
    .selectFrom('breakout_rooms as r')
    .innerJoin('breakout_rounds as o', 'o.id', 'r.round_id')
    .selectAll('r')
    .select(['o.session_id as class_id', 'o.status as round_status'])
    .where('r.session_id', '=', roomSessionId)
    .executeTakeFirst();
}

/** Students of the course with an open attendance segment in the class now (present), by id. */
export async function listPresentStudentIds(db: Q, classId: string, courseId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('session_attendance as a')
    .innerJoin('course_members as m', (j) => j.onRef('m.user_id', '=', 'a.user_id').on('m.course_id', '=', courseId))
    .select('a.user_id')
    .distinct()
    .where('a.session_id', '=', classId)
    .where('a.left_at', 'is', null)
    .where('m.role', '=', 'student')
    .orderBy('a.user_id')
    .execute();
  return rows.map((r) => r.user_id);
}

/** Rounds not closed, for the timers at start. */
export async function listActiveRounds(db: Q): Promise<RoundRow[]> {
  return db.selectFrom('breakout_rounds').selectAll().where('status', '<>', 'closed').execute();
}

/** Rounds whose warning or end has come (the sweep's work). */
export async function listDueRounds(db: Q, now: Date): Promise<RoundRow[]> {
  return db
    .selectFrom('breakout_rounds')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'open'), eb(sql`ends_at - warning_seconds * interval '1 second'`, '<=', now)]),
        eb.and([eb('status', '=', 'closing'), eb('ends_at', '<=', now)]),
      ]),
    )
    .execute();
}

/**
 * Rooms still live whose round has closed (ended after the round's commit, one by one): those a stopped process or
 * a failed end left behind. `closedBefore` leaves alone the rounds that closed a moment ago, which their node is
 * still ending.
 */
export async function listOwedRooms(db: Q, closedBefore?: Date) {
  let q = db
    .selectFrom('breakout_rooms as r')
    .innerJoin('breakout_rounds as o', 'o.id', 'r.round_id')
    .innerJoin('live_sessions as s', 's.id', 'r.session_id')
    .select(['r.session_id', 'r.round_id', 'o.closed_at'])
    .where('o.status', '=', 'closed')
    .where('s.status', '=', 'live');
  if (closedBefore) q = q.where('o.closed_at', '<', closedBefore);
  return q.orderBy('o.closed_at').orderBy('r.round_id').orderBy('r.position').execute();
}
