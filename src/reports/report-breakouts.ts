import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { getOrCreate } from '../maps.ts';
import { type ClassBreakoutRoom, listClassBreakoutRooms } from './breakouts.repo.ts';
import type { MeetingSyncInput, Span } from './report-input.ts';
import { listMeetingSegments, listRoomSegments, type StayTuple } from './reports.repo.ts';

/**
 * Breakout rooms in a class's report (issue 15): a room is a child live session of the class, and time in it is time
 * in the class. A student's stays in the class's rooms join their stays in the class (each marked with its room's
 * name), and the report clips, merges and counts them all together, so 20 minutes in a room during a 60-minute class
 * are 20 minutes of class, not 20 minutes missed, and time in both at once (the class page left open) counts once.
 * The class's own meeting decides whether the report has meeting data; each room's meeting then adds its stays, or,
 * without data of its own, the room's page stays (splitRoomsByMeetingData); the summary shows the worst sync.
 */

/** A class's breakout rooms as a report uses them. */
export interface ClassBreakouts {
  /** Room session id → room name, in round order then room order: a stay in one of these sessions is time in the class. */
  roomNames: Map<string, string>;
  /** User id → the room each round assigned them to last, in round order (one name per round they were in). */
  roomsOf: Map<string, string[]>;
  /** Each room's meeting sync, in round order then room order (see worstMeetingSync). */
  roomSyncs: { name: string; sync: MeetingSyncInput }[];
}

/** A class without breakout rooms. */
export const noBreakouts = (): ClassBreakouts => ({ roomNames: new Map(), roomsOf: new Map(), roomSyncs: [] });

/** Groups listClassBreakoutRooms's rows (rounds oldest first, rooms in order) by class. */
export function breakoutsByClass(rooms: readonly ClassBreakoutRoom[]): Map<string, ClassBreakouts> {
  const byClass = new Map<string, ClassBreakouts>();
  for (const room of rooms) {
    const entry = getOrCreate(byClass, room.classId, noBreakouts);
    entry.roomNames.set(room.sessionId, room.name);
    entry.roomSyncs.push({ name: room.name, sync: room.meetingSync });
    // breakout_members holds one room per person and round, so this adds one name per round.
    for (const userId of room.memberIds) getOrCreate(entry.roomsOf, userId, () => []).push(room.name);
  }
  return byClass;
}

/** The breakouts of classes and every stay in their rooms (room page and room meeting), by room session. */
export interface LoadedBreakouts {
  byClass: Map<string, ClassBreakouts>;
  room: Map<string, StayTuple[]>;
  meeting: Map<string, StayTuple[]>;
}

/**
 * Reads the classes' rooms and the stays in them together, the stays with the classes' own set-based reads (one
 * statement per table for every room of every class, reached through the rounds: one parameter per class, however
 * many rooms). A class without breakouts costs three empty index probes, run at once.
 */
export async function loadBreakouts(db: Kysely<Database>, classIds: string[]): Promise<LoadedBreakouts> {
  const rooms = { roomsOf: classIds };
  const [list, room, meeting] = await Promise.all([
    listClassBreakoutRooms(db, classIds),
    listRoomSegments(db, rooms),
    listMeetingSegments(db, rooms),
  ]);
  return { byClass: breakoutsByClass(list), room, meeting };
}

/**
 * One user's stays in the class and in its rooms, oldest first: `own` first, then each room's in room order (marked
 * with its name), then a stable sort by join. The class report and a student's own report both build a row's stays
 * here, so the two list them identically.
 */
export function withRoomSpans(
  own: Span[],
  roomSpans: (roomSessionId: string) => readonly Span[] | undefined,
  roomNames: Map<string, string>,
): Span[] {
  if (roomNames.size === 0) return own;
  const all = [...own];
  for (const [roomId, breakoutRoom] of roomNames) {
    for (const s of roomSpans(roomId) ?? []) all.push({ ...s, breakoutRoom });
  }
  return all.length === own.length ? own : all.sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime());
}

/**
 * Stays per user for one class: its own, plus its rooms' for the users `keep` accepts (the class's roster), put
 * together as withRoomSpans does. Each room's stays are visited once, so 500 rooms of 5,000 students cost their
 * stays, not students × rooms.
 */
export function classSpansByUser(
  own: readonly StayTuple[],
  roomStays: Map<string, StayTuple[]>,
  roomNames: Map<string, string>,
  keep: (userId: string) => boolean,
): Map<string, Span[]> {
  const byUser = new Map<string, Span[]>();
  const add = (stays: readonly StayTuple[], into: Map<string, Span[]>, breakoutRoom?: string) => {
    for (const [userId, joined, left] of stays) {
      if (!keep(userId)) continue;
      const stay: Span = { joinedAt: new Date(joined), leftAt: left === null ? null : new Date(left) };
      getOrCreate(into, userId, () => []).push(breakoutRoom === undefined ? stay : { ...stay, breakoutRoom });
    }
  };
  add(own, byUser);
  if (roomNames.size === 0) return byUser;
  const inRooms = new Map<string, Span[]>();
  for (const [roomId, name] of roomNames) add(roomStays.get(roomId) ?? [], inRooms, name);
  for (const [userId, extra] of inRooms) {
    const all = [...(byUser.get(userId) ?? []), ...extra];
    byUser.set(
      userId,
      all.sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime()),
    );
  }
  return byUser;
}

/**
 * A class's rooms split by whether their own meeting has data: the class's rule (`hasMeetingData`, report-loader.ts)
 * applied to each room — its meeting counts once its sync matched someone on the class's roster. Under a class with
 * meeting data, a room with data adds its meeting stays to the students' meeting time; a room without (no sync for
 * its link, or one pending, failed, or matching nobody) adds its page stays instead (`meetingFallback`), so time in
 * a room is never lost to the state of that room's sync.
 */
export function splitRoomsByMeetingData(
  roomNames: Map<string, string>,
  hasData: (roomSessionId: string) => boolean,
): { withMeeting: Map<string, string>; withoutMeeting: Map<string, string> } {
  const withMeeting = new Map<string, string>();
  const withoutMeeting = new Map<string, string>();
  for (const [roomId, name] of roomNames) (hasData(roomId) ? withMeeting : withoutMeeting).set(roomId, name);
  return { withMeeting, withoutMeeting };
}

const SYNC_RANK: Record<MeetingSyncInput['status'], number> = { none: 0, done: 1, pending: 2, failed: 3 };

/**
 * The meeting sync a class report shows: the class's own, unless one of its breakout rooms' stands worse — failed
 * over pending over done over none (no sync for that link: nothing missing, nothing to wait for). On a tie the class
 * wins, then the earlier room. A room's state carries its error prefixed with the room's name ("Room 2: …").
 */
export function worstMeetingSync(own: MeetingSyncInput, rooms: readonly { name: string; sync: MeetingSyncInput }[]): MeetingSyncInput {
  let worst = own;
  let from: string | null = null;
  for (const { name, sync } of rooms) {
    if (SYNC_RANK[sync.status] > SYNC_RANK[worst.status]) {
      worst = sync;
      from = name;
    }
  }
  return from === null || worst.error === null ? worst : { ...worst, error: `${from}: ${worst.error}` };
}
