import type { Transaction } from 'kysely';
import { closeSegment } from '../attendance/attendance.repo.ts';
import type { Actor } from '../auth/actor.ts';
import { findMembership } from '../classroom/access.repo.ts';
import type { SessionAccess } from '../classroom/session-access.ts';
import type { Database } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { appendEvents } from '../events/events.repo.ts';
import { announceWithin } from '../sessions/announcement.ts';
import { toSessionDto } from '../sessions/sessions.presenter.ts';
import { type BreakoutDeps, createRoundChanges, roomNotFound, type RoundChange, warnAt } from './breakouts.changes.ts';
import { openRound } from './breakouts.open.ts';
import { loadRoundDtos } from './breakouts.presenter.ts';
import {
  countMembersByRoom,
  findMemberRoom,
  listRounds,
  listRoomsOf,
  placeMember,
  type RoundRow,
  setRoomHelp,
  updateRound,
} from './breakouts.repo.ts';
import type { BreakoutOpenBody, BreakoutResult, BreakoutRound } from './breakouts.schemas.ts';
import { createRoomEnds } from './breakouts.room-ends.ts';
import { createRoundTimer } from './breakouts.timer.ts';
import { createRoundSteps } from './breakouts.steps.ts';

export type BreakoutsService = ReturnType<typeof createBreakoutsService>;

const forbidden = (message: string) => new AppError('FORBIDDEN', message);

/**
 * Breakout rounds in a live class: mentors open a round of rooms (each a live child session), move students,
 * change the timer, broadcast to every room and close it; students choose a room (self-select) and ask for help.
 * Every change is committed under the class's lock with its event in the class's log before anyone hears of it.
 */
export function createBreakoutsService(deps: BreakoutDeps) {
  const { db, loadSession, limits } = deps;
  const roomEnds = createRoomEnds(deps);
  const changes = createRoundChanges(deps, roomEnds);
  const steps = createRoundSteps(deps, changes, () => timer);
  const timer = createRoundTimer(db, deps.log, steps.tick);

  /** A room of the round, in the round's transaction (BREAKOUT_ROOM_NOT_FOUND otherwise). */
  async function roomOf(trx: Transaction<Database>, round: RoundRow, roomId: string) {
    const room = (await listRoomsOf(trx, [round.id])).find((r) => r.id === roomId);
    if (!room) throw roomNotFound(roomId);
    return room;
  }

  /**
   * Puts a user in a room. From another room: their attendance there closes now, and once committed their sockets
   * leave it (`session:removed`, reason `moved`), so the old room refuses them at once.
   */
  async function seat(trx: Transaction<Database>, round: RoundRow, userId: string, roomId: string, now: Date) {
    const before = await placeMember(trx, round.id, userId, roomId);
    if (!before || before === roomId) return undefined;
    const old = (await listRoomsOf(trx, [round.id])).find((r) => r.id === before);
    if (!old) return undefined;
    await closeSegment(trx, old.session_id, userId, now);
    return () => deps.removeFromSession(old.session_id, userId, 'moved');
  }

  /** The new time (extend, shorten, close): closing when within the warning, open otherwise. */
  async function retime(trx: Transaction<Database>, round: RoundRow, endsAt: Date, now: Date): Promise<RoundChange> {
    const closing = warnAt({ ends_at: endsAt, warning_seconds: round.warning_seconds }) <= now;
    const status = closing ? 'closing' : 'open';
    const updated = await updateRound(trx, round.id, { ends_at: endsAt, status, closing_at: closing ? (round.closing_at ?? now) : null });
    return { event: closing ? 'breakout:closing' : 'breakout:updated', round: updated, after: () => timer.schedule(updated) };
  }

  return {
    /** Opens a round in a live class (course mentors and admins). */
    async open(actor: Actor, sessionId: string, body: BreakoutOpenBody): Promise<BreakoutResult> {
      const { session } = await loadSession(actor, sessionId, 'manage', 'breakout.open');
      const { result, round } = await openRound(deps, changes, actor, session, body);
      timer.schedule(round);
      return result;
    },

    /** The round open now (or closing) and the closed ones, oldest first (members). */
    async list(actor: Actor, sessionId: string): Promise<{ current: BreakoutRound | null; past: BreakoutRound[] }> {
      const { session } = await loadSession(actor, sessionId, 'view', 'breakout.read');
      const rounds = await loadRoundDtos(db, await listRounds(db, session.id));
      return { current: rounds.find((r) => r.status !== 'closed') ?? null, past: rounds.filter((r) => r.status === 'closed') };
    },

    /** Moves (or places) a roster student into a room (mentors). */
    async move(actor: Actor, sessionId: string, roundId: string, userId: string, roomId: string): Promise<BreakoutResult> {
      const { session } = await loadSession(actor, sessionId, 'manage', 'breakout.move');
      return changes.change(actor, session, roundId, 'breakout.move', async (trx, round, now) => {
        await roomOf(trx, round, roomId);
        if ((await findMembership(trx, session.course_id, userId)) !== 'student') {
          throw new AppError('NOT_ON_ROSTER', `${userId} is not a student of this course`, [
            { field: 'body.userId', message: 'is not a student of this course' },
          ]);
        }
        const after = await seat(trx, round, userId, roomId, now);
        return { event: 'breakout:updated', round, details: { userId, roomId }, after };
      });
    },

    /** A student picks a room, or another one, in a self-select round, while it has room for them. */
    async choose(actor: Actor, sessionId: string, roundId: string, roomId: string): Promise<BreakoutResult> {
      const { session, membership, manages } = await loadSession(actor, sessionId, 'view', 'breakout.choose');
      if (manages || membership !== 'student') throw forbidden('Choosing a room is for the students of the course');
      await limits.take(actor, 'breakout');
      return changes.change(actor, session, roundId, 'breakout.choose', async (trx, round, now) => {
        if (round.assignment !== 'self-select')
          throw new AppError('BREAKOUT_NOT_SELF_SELECT', `Rooms are assigned in this round (${round.assignment})`);
        await roomOf(trx, round, roomId);
        const inRoom = await findMemberRoom(trx, round.id, actor.id);
        const others = ((await countMembersByRoom(trx, round.id)).get(roomId) ?? 0) - (inRoom === roomId ? 1 : 0);
        if (round.capacity !== null && others >= round.capacity)
          throw new AppError('BREAKOUT_ROOM_FULL', `The room is full (${round.capacity})`);
        const after = await seat(trx, round, actor.id, roomId, now);
        return { event: 'owed', round, details: { roomId }, after };
      });
    },

    /** Extends or shortens the round (mentors): endsAt = max(endsAt + addMinutes, now + warningSeconds). */
    async retime(actor: Actor, sessionId: string, roundId: string, addMinutes: number): Promise<BreakoutResult> {
      const { session } = await loadSession(actor, sessionId, 'manage', 'breakout.timer');
      return changes.change(actor, session, roundId, 'breakout.timer', async (trx, round, now) => {
        const asked = round.ends_at.getTime() + addMinutes * 60_000;
        const endsAt = new Date(Math.max(asked, now.getTime() + round.warning_seconds * 1000));
        return { ...(await retime(trx, round, endsAt, now)), details: { addMinutes } };
      });
    },

    /** A message pinned in every room (each room's announcement and its session:updated), and kept on the round. */
    async broadcast(actor: Actor, sessionId: string, roundId: string, text: string): Promise<BreakoutResult> {
      const { session } = await loadSession(actor, sessionId, 'manage', 'breakout.broadcast');
      return changes.change(actor, session, roundId, 'breakout.broadcast', async (trx, round, now) => {
        const published: (() => void)[] = [];
        for (const room of await listRoomsOf(trx, [round.id])) {
          const row = await announceWithin(trx, room.session_id, text, now);
          const stored = await appendEvents(trx, room.session_id, [
            { event: 'session:updated', payload: { session: toSessionDto(row, false) } },
          ]);
          published.push(() => deps.publish(room.session_id, stored));
        }
        const updated = await updateRound(trx, round.id, { broadcast: text, broadcast_at: now, broadcast_by: actor.id });
        return { event: 'breakout:updated', round: updated, after: () => steps.published(published) };
      });
    },

    /** A student of the room asks the mentors for help; `done` clears it (mentors, or the room's students). */
    async help(actor: Actor, sessionId: string, roundId: string, roomId: string, done: boolean): Promise<BreakoutResult> {
      const { session, manages } = await loadSession(actor, sessionId, 'view', 'breakout.help');
      if (manages && !done) throw forbidden('Asking for help is for the students of the room');
      if (!manages) await limits.take(actor, 'breakout');
      return changes.change(actor, session, roundId, 'breakout.help', async (trx, round, now) => {
        const room = await roomOf(trx, round, roomId);
        if (!manages && (await findMemberRoom(trx, round.id, actor.id)) !== roomId)
          throw forbidden('Only the students of this room may do this');
        if (done) await setRoomHelp(trx, room.id, null, null);
        else if (!room.help_requested_at) await setRoomHelp(trx, room.id, now, actor.id);
        return { event: 'owed', round, details: { roomId, done } };
      });
    },

    /** The warning now and the close `warningSeconds` later, or (`now`) the close at once (mentors). */
    async close(actor: Actor, sessionId: string, roundId: string, now: boolean): Promise<BreakoutResult> {
      const { session } = await loadSession(actor, sessionId, 'manage', 'breakout.close');
      return changes.change(actor, session, roundId, 'breakout.close', async (trx, round, at) => {
        if (!now) {
          const soon = new Date(at.getTime() + round.warning_seconds * 1000);
          return { ...(await retime(trx, round, round.ends_at < soon ? round.ends_at : soon, at)), details: { now } };
        }
        const closed = await changes.closeWithin(trx, round, actor, at);
        return { event: 'breakout:closed', round: closed.round, details: { now }, after: () => steps.afterClose(closed) };
      });
    },

    /** After a join was acked: a late joiner is placed, a mentor entering a room answers its help request. */
    onJoined: (actor: Actor, access: SessionAccess) => steps.onJoined(actor, access),
    onClassEnd: steps.onClassEnd,
    roomLinkSettled: steps.roomLinkSettled,
    async start(): Promise<void> {
      await timer.start();
      await roomEnds.start();
      await changes.recover();
    },
    async stop(): Promise<void> {
      await timer.stop();
      await roomEnds.stop();
      await changes.stop();
    },
  };
}
