import type { BreakoutRoom, BreakoutRound } from '../../../src/breakouts/breakouts.schemas.ts';
import type { Person } from '../../../src/realtime/protocol.ts';
import type { Notice } from './awareness.ts';
import { clockText } from './timer-text.ts';

export type { BreakoutRoom, BreakoutRound };

/** Whether the round's rooms are running: open, or in their closing warning. */
export const isRunning = (round: BreakoutRound | null | undefined): round is BreakoutRound =>
  round !== null && round !== undefined && round.status !== 'closed';

/** The room a student is assigned to in this round, if any. */
export function roomOf(round: BreakoutRound | null | undefined, userId: string | undefined): BreakoutRoom | null {
  if (!round || !userId) return null;
  return round.rooms.find((r) => r.memberIds.includes(userId)) ?? null;
}

/** The room whose live session this is, if it belongs to the round. */
export function roomBySession(round: BreakoutRound | null | undefined, sessionId: string): BreakoutRoom | null {
  return round?.rooms.find((r) => r.sessionId === sessionId) ?? null;
}

/** Places left in a room of a self-select round (null: no limit). */
export function placesLeft(round: BreakoutRound, room: BreakoutRoom): number | null {
  return round.capacity === null ? null : Math.max(0, round.capacity - room.memberIds.length);
}

/** Rooms a student may still choose: not their own, and not full. */
export function roomsToChoose(round: BreakoutRound, mine: BreakoutRoom | null): BreakoutRoom[] {
  return round.rooms.filter((r) => r.id !== mine?.id && placesLeft(round, r) !== 0);
}

/** Milliseconds until the rooms close (never negative), at `now` by the server's clock. */
export function msLeft(round: BreakoutRound, now: number): number {
  return Math.max(0, Date.parse(round.endsAt) - now);
}

/** m:ss (h:mm:ss past an hour) until the rooms close, rounded up: "0:00" only once they are due. */
export function countdownText(round: BreakoutRound, now: number): string {
  return clockText(Math.ceil(msLeft(round, now) / 1000) * 1000);
}

/** The students present in the class who are in no room of the round (what the mentor can still place). */
export function unplacedStudents(people: Person[] | null, round: BreakoutRound): Person[] {
  const placed = new Set(round.rooms.flatMap((r) => r.memberIds));
  return (people ?? []).filter((p) => p.role === 'student' && !placed.has(p.id)).sort((a, b) => a.name.localeCompare(b.name));
}

/** Who is looking: their user id, and whether they run the class (course mentors and admins). */
export interface Viewer {
  id: string | undefined;
  manages: boolean;
}

/** Where the viewer of a room page should be, when not there: the class, or the room they were moved to. */
export interface RoomExit {
  sessionId: string;
  /** What they are told when they arrive. */
  notice: string;
}

export const CLOSED_NOTICE = 'The breakout rooms have closed. You are back in the main class.';

/**
 * Whether the viewer of a room page (`roomSessionId`, a room of class `classId`) must leave it, and for where: the
 * class once the round is over (closed, the room ended, or the class has moved on to another round); for a student,
 * the room they were moved to, or the class if they have none. Mentors may stay in any room of a running round.
 */
export function roomExit(
  round: BreakoutRound | null,
  { classId, roomSessionId, roomEnded, viewer }: { classId: string; roomSessionId: string; roomEnded: boolean; viewer: Viewer },
): RoomExit | null {
  if (roomEnded || !isRunning(round) || !roomBySession(round, roomSessionId)) return { sessionId: classId, notice: CLOSED_NOTICE };
  if (viewer.manages) return null;
  const mine = roomOf(round, viewer.id);
  if (!mine) return { sessionId: classId, notice: 'You are no longer in a breakout room: you are back in the main class.' };
  if (mine.sessionId !== roomSessionId) return { sessionId: mine.sessionId, notice: `You were moved to ${mine.name}.` };
  return null;
}

/**
 * The notices one live change of the round brings, as noticesBetween does for the rest of the class. `where` is the
 * page: on a room page, moves and the close take the viewer elsewhere (roomExit), whose arrival is the notice, so only
 * the timer, the closing warning and (mentors) help requests are told there. `seq` tells one move from the next.
 */
export function breakoutNoticesBetween(
  before: BreakoutRound | null,
  after: BreakoutRound | null,
  viewer: Viewer,
  { now, where, seq }: { now: number; where: 'class' | 'room'; seq: number },
): Notice[] {
  if (!after || after === before) return [];
  const notices: Notice[] = [];
  const tell = (id: string, text: string) => notices.push({ id, tab: 'breakout', text, spoken: true });
  const same = before?.id === after.id ? before : null;
  const opened = isRunning(after) && !isRunning(same);
  const mine = roomOf(after, viewer.id);

  if (opened && where === 'class') tell(`breakout-open:${after.id}`, openedText(after, mine, viewer));
  if (!opened && isRunning(after) && same && where === 'class' && !viewer.manages) {
    const was = roomOf(same, viewer.id);
    if (was?.id !== mine?.id) tell(`breakout-room:${after.id}:${seq}`, placedText(after, was, mine));
  }
  if (after.status === 'closing' && same?.status !== 'closing') {
    tell(`breakout-closing:${after.id}:${after.endsAt}`, `Breakout rooms close in ${countdownText(after, now)}: time to finish up.`);
  } else if (after.status === 'open' && same && same.endsAt !== after.endsAt) {
    tell(`breakout-timer:${after.id}:${after.endsAt}`, `Breakout rooms now close in ${countdownText(after, now)}.`);
  }
  if (after.status === 'closed' && isRunning(same) && where === 'class') {
    // Nothing to show: the page around the notice is the news.
    const text = viewer.manages ? 'The breakout rooms have closed: everyone is back in the main class.' : CLOSED_NOTICE;
    notices.push({ id: `breakout-closed:${after.id}`, tab: null, text, spoken: true });
  }
  if (viewer.manages && isRunning(after)) {
    for (const room of after.rooms) {
      const asked = room.helpRequestedAt;
      if (asked && asked !== same?.rooms.find((r) => r.id === room.id)?.helpRequestedAt) {
        tell(`breakout-help:${room.id}:${asked}`, `${room.name} asks for help.`);
      }
    }
  }
  return notices;
}

function openedText(round: BreakoutRound, mine: BreakoutRoom | null, viewer: Viewer): string {
  if (viewer.manages) return `Breakout rooms are open: ${round.rooms.length} ${round.rooms.length === 1 ? 'room' : 'rooms'}.`;
  if (mine) return `Breakout rooms are open: you are in ${mine.name}.`;
  if (round.assignment === 'self-select') return 'Breakout rooms are open: choose a room.';
  return 'Breakout rooms are open. Stay in the main class until a mentor places you in a room.';
}

function placedText(round: BreakoutRound, was: BreakoutRoom | null, mine: BreakoutRoom | null): string {
  if (!mine) return 'You are no longer in a breakout room.';
  // A self-select student changes room themselves: no one "moved" them.
  if (round.assignment === 'self-select') return `You are now in ${mine.name}.`;
  return was ? `You were moved to ${mine.name}.` : `You were placed in ${mine.name}.`;
}
