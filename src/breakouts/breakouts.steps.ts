import type { Transaction } from 'kysely';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { handlePromiseError } from '../background.ts';
import { recordChange } from '../classroom/class-deps.ts';
import type { ClassEndHook } from '../classroom/feature.ts';
import { type SessionAccess, sessionTarget } from '../classroom/session-access.ts';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { findGroupSet } from '../groups/group-sets.repo.ts';
import type { RoomLinkHook } from '../meetings/meeting-outcomes.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { smallestRoom } from './breakouts.assign.ts';
import { findActiveRoundCached } from './breakouts.cache.ts';
import { type BreakoutDeps, type RoundChanges, warnAt } from './breakouts.changes.ts';
import {
  countMembersByRoom,
  findActiveRound,
  findMemberRoom,
  findRoomBySession,
  listRoomsOf,
  lockRound,
  placeMember,
  type RoundRow,
  setRoomHelp,
  updateRound,
} from './breakouts.repo.ts';
import type { RoundTimer } from './breakouts.timer.ts';

type Closed = { round: RoundRow; after: () => void };

/**
 * What happens to rounds without a mentor's request: the timer's warning and close, the class ending, a late joiner
 * placed by the round's rule, a mentor entering a room that asked for help, a room's meeting link settling.
 */
export function createRoundSteps(deps: BreakoutDeps, changes: RoundChanges, timer: () => RoundTimer) {
  const { db, log } = deps;

  function afterClose(closed: Closed): void {
    timer().cancel(closed.round.id);
    closed.after();
  }

  /**
   * A change nobody asked for, under the class's lock then the round's: `work` returns the event to log (or none
   * when there is nothing to do any more, e.g. another node did it).
   */
  async function systemChange(
    classId: string,
    roundId: string,
    work: (
      trx: Transaction<Database>,
      cls: LiveSessionRow,
      round: RoundRow,
    ) => Promise<{ event?: 'owed' | 'breakout:closing' | 'breakout:closed'; round: RoundRow; after?: () => void } | undefined>,
  ) {
    const { result } = await recordChange({ db, publish: changes.publish }, classId, async (trx) => {
      const cls = await lockSession(trx, classId);
      const round = await lockRound(trx, roundId);
      if (!cls || !round || round.status === 'closed') return { result: undefined, events: [] };
      const done = await work(trx, cls, round);
      if (!done?.event) return { result: done, events: [] };
      if (done.event === 'owed') return { result: { ...done, after: await changes.oweWithin(trx, round) }, events: [] };
      return { result: done, events: [await changes.eventOf(trx, done.event, done.round)] };
    });
    result?.after?.();
    return result;
  }

  /** The timer: the warning at endsAt − warningSeconds, the close at endsAt; early (the end moved): set again. */
  async function tick(classId: string, roundId: string): Promise<void> {
    const done = await systemChange(classId, roundId, async (trx, cls, round) => {
      const now = new Date();
      if (round.ends_at <= now) {
        const closed = await changes.closeWithin(trx, round, null, now);
        await insertAuditEntry(trx, auditEntry(null, 'breakout.close', sessionTarget(cls), 'success', { roundId, by: 'timer' }));
        return { event: 'breakout:closed', round: closed.round, after: () => afterClose(closed) };
      }
      if (round.status === 'open' && warnAt(round) <= now) {
        return { event: 'breakout:closing', round: await updateRound(trx, round.id, { status: 'closing', closing_at: now }) };
      }
      return { round };
    });
    if (done && done.round.status !== 'closed') timer().schedule(done.round);
  }

  /** The class ends: its round closes in the same transaction; its rooms end once that has committed. */
  const onClassEnd: ClassEndHook = async (trx, sessionId, at) => {
    const active = await findActiveRound(trx, sessionId);
    const round = active && (await lockRound(trx, active.id));
    if (!round || round.status === 'closed') return {};
    const closed = await changes.closeWithin(trx, round, null, at);
    const event = await changes.eventOf(trx, 'breakout:closed', closed.round);
    return { events: [event], audit: { breakoutRoundClosed: round.id }, afterCommit: () => afterClose(closed) };
  };

  /** A student joined the class while a random or groups round runs and has no room: placed by the round's rule. */
  async function placeLateJoiner(actor: Actor, cls: LiveSessionRow): Promise<void> {
    const active = await findActiveRoundCached(db, cls.id);
    if (!active || (active.assignment !== 'random' && active.assignment !== 'groups')) return;
    if (await findMemberRoom(db, active.id, actor.id)) return;
    await systemChange(cls.id, active.id, async (trx, locked, round) => {
      if (await findMemberRoom(trx, round.id, actor.id)) return undefined;
      const rooms = await listRoomsOf(trx, [round.id]);
      const set = round.group_set_id ? await findGroupSet(trx, locked.course_id, round.group_set_id) : undefined;
      const group = set ? set.groups.findIndex((g) => g.memberIds.includes(actor.id)) : -1;
      const room = rooms[group] ?? smallestRoom(rooms, await countMembersByRoom(trx, round.id));
      if (!room) return undefined;
      await placeMember(trx, round.id, actor.id, room.id);
      const details = { roundId: round.id, userId: actor.id, roomId: room.id, by: 'late join' };
      await insertAuditEntry(trx, auditEntry(null, 'breakout.move', sessionTarget(locked), 'success', details));
      return { event: 'owed', round };
    });
  }

  /** A mentor entered a room that asked for help: the request is answered. */
  async function answerHelp(actor: Actor, roomSession: LiveSessionRow): Promise<void> {
    const room = await findRoomBySession(db, roomSession.id);
    if (!room?.help_requested_at || room.round_status === 'closed') return;
    await systemChange(room.class_id, room.round_id, async (trx, cls, round) => {
      await setRoomHelp(trx, room.id, null, null);
      const details = { roundId: round.id, roomId: room.id, done: true, by: 'entered' };
      await insertAuditEntry(trx, auditEntry(actor, 'breakout.help', sessionTarget(cls), 'success', details));
      return { event: 'owed', round };
    });
  }

  /** A room's link became ready or failed (its class is locked already): the class is owed the round as it is then. */
  const roomLinkSettled: RoomLinkHook = async (trx, roomSession) => {
    const room = await findRoomBySession(trx, roomSession.id);
    const round = room && room.round_status !== 'closed' ? await lockRound(trx, room.round_id) : undefined;
    if (!room || !round) return undefined;
    return changes.oweWithin(trx, round);
  };

  return {
    tick,
    onClassEnd,
    roomLinkSettled,
    afterClose,
    /** Publishes what a change wrote to the rooms' logs, once it has committed. */
    published(publishes: (() => void)[]): void {
      for (const publish of publishes) publish();
    },
    /** After a join was acked; runs in the background (its failures are logged). */
    onJoined(actor: Actor, { session, manages, membership }: SessionAccess): void {
      const work = session.parent_session_id
        ? manages && answerHelp(actor, session)
        : !manages && membership === 'student' && session.status === 'live' && placeLateJoiner(actor, session);
      if (work) handlePromiseError(work, log, 'a breakout step after a join failed', { sessionId: session.id, userId: actor.id });
    },
  };
}
