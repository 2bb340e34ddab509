import type { Transaction } from 'kysely';
import type { AuditAction } from '../audit/audit.actions.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { type ClassDeps, recordChange, seqOf } from '../classroom/class-deps.ts';
import { createOwedBroadcasts } from '../classroom/owed-broadcasts.ts';
import type { ClassEndHook, SessionChangeHook } from '../classroom/feature.ts';
import { sessionNotFound, sessionTarget } from '../classroom/session-access.ts';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { MeetingsService } from '../meetings/meetings.service.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { invalidateBreakoutCaches } from './breakouts.cache.ts';
import { loadRoundDto } from './breakouts.presenter.ts';
import { clearRoundPending, listPendingRounds, lockRound, markRoundPending, type RoundRow, updateRound } from './breakouts.repo.ts';
import type { RoomEnds } from './breakouts.room-ends.ts';
import type { BreakoutResult, BreakoutRound, BreakoutServerEvents } from './breakouts.schemas.ts';

/** What breakouts are built from: the classroom, the meeting links of new sessions, and how sessions end. */
export interface BreakoutDeps extends ClassDeps {
  meetings: Pick<MeetingsService, 'plan' | 'owe' | 'kick'>;
  /** The hooks every session end runs: a room ends through them, as any class does. Read when a room ends. */
  lifecycle: { onClassEnd: ClassEndHook[]; onSessionChange: SessionChangeHook[] };
  /** Takes a user's sockets out of a session on every node, telling them `session:removed` with the reason. */
  removeFromSession: (sessionId: string, userId: string, reason: string) => void;
}

export type BreakoutEvent = keyof BreakoutServerEvents;

/**
 * At most one coalesced `breakout:updated` per round this often. Each carries every room's members to every socket
 * of the class (some 130 KiB at 5,000 students), so a self-select rush or a stream of late joiners must not send one
 * per change.
 */
export const ROUND_BROADCAST_MS = 1000;

/**
 * What a change of a round did: its event (or `owed`: a `breakout:updated` follows, coalesced), the round as it is now,
 * and what to do once it has committed.
 */
export interface RoundChange {
  event: BreakoutEvent | 'owed';
  round: RoundRow;
  details?: Record<string, unknown>;
  after?: () => void;
}

/** A change as committed: the round, what follows the commit, and (when its event is owed) the class's seq then. */
type Changed = { round: BreakoutRound; after?: () => void; seq?: number };

export const roundNotFound = (roundId: string) =>
  new AppError('BREAKOUT_NOT_FOUND', `Breakout round ${roundId} was not found in this class`);
export const roomNotFound = (roomId: string) => new AppError('BREAKOUT_ROOM_NOT_FOUND', `Room ${roomId} is not one of this round's`);
export const roundClosed = () => new AppError('BREAKOUT_CLOSED', 'The breakout round is closed; everyone is back in the class');

/** When the warning of a round goes out: `warningSeconds` before its end. */
export const warnAt = (round: Pick<RoundRow, 'ends_at' | 'warning_seconds'>) =>
  new Date(round.ends_at.getTime() - round.warning_seconds * 1000);

/**
 * The one way a round changes: under the class's lock (then the round's), the class's log gets the round's event
 * (the DTO read in the same transaction), and the access checks forget who sat where before anyone hears of it.
 */
export function createRoundChanges(deps: BreakoutDeps, roomEnds: Pick<RoomEnds, 'endRoundRooms'>) {
  const { db, audit } = deps;
  const publish: ClassDeps['publish'] = (sessionId, events) => {
    if (events.length === 0) return;
    invalidateBreakoutCaches();
    deps.publish(sessionId, events);
  };

  /**
   * Inside a change's transaction: the round's event drafted from the round as it is now. It says every change before
   * it, so a coalesced broadcast still owed is no longer needed.
   */
  async function eventOf(trx: Transaction<Database>, event: BreakoutEvent, round: RoundRow) {
    await clearRoundPending(trx, round.id);
    return { event, payload: { round: await loadRoundDto(trx, round) } };
  }

  // Locks in the order every change takes (the class, then the round); nothing to say once a newer event said it all.
  const owed = createOwedBroadcasts(
    { db, publish, log: deps.log },
    {
      what: 'breakout:updated broadcast',
      intervalMs: ROUND_BROADCAST_MS,
      listOwed: listPendingRounds,
      send: async (trx, { sessionId, id }) => {
        if (!(await lockSession(trx, sessionId))) return [];
        const round = await lockRound(trx, id);
        if (!round?.broadcast_pending) return [];
        if (round.status === 'closed') {
          await clearRoundPending(trx, id);
          return [];
        }
        return [await eventOf(trx, 'breakout:updated', round)];
      },
    },
  );

  /** Inside a change's transaction: the class is owed a `breakout:updated`; call the returned function once committed. */
  async function oweWithin(trx: Transaction<Database>, round: Pick<RoundRow, 'id' | 'session_id'>) {
    await markRoundPending(trx, round.id);
    return () => owed.owe(round.session_id, round.id);
  }

  /**
   * Runs `work` on an open (or closing) round of the class, locked; audited as `action` by `actor` (refusals as
   * denied). BREAKOUT_NOT_FOUND for another class's round, BREAKOUT_CLOSED once it closed.
   */
  async function change(
    actor: Actor,
    cls: LiveSessionRow,
    roundId: string,
    action: AuditAction,
    work: (trx: Transaction<Database>, round: RoundRow, now: Date) => Promise<RoundChange>,
  ): Promise<BreakoutResult> {
    const target = sessionTarget(cls);
    const { result, events } = await audit.guard(actor, action, target, () =>
      recordChange<Changed>({ db, publish }, cls.id, async (trx) => {
        const locked = await lockSession(trx, cls.id);
        if (!locked) throw sessionNotFound(cls.id);
        const round = await lockRound(trx, roundId);
        if (!round || round.session_id !== cls.id) throw roundNotFound(roundId);
        if (round.status === 'closed') throw roundClosed();
        const done = await work(trx, round, new Date());
        await insertAuditEntry(trx, auditEntry(actor, action, target, 'success', { roundId, ...done.details }));
        if (done.event === 'owed') {
          const told = await oweWithin(trx, round);
          const after = (): void => {
            told();
            done.after?.();
          };
          return { result: { round: await loadRoundDto(trx, done.round), after, seq: Number(locked.last_seq) }, events: [] };
        }
        const drafted = await eventOf(trx, done.event, done.round);
        return { result: { round: drafted.payload.round, after: done.after }, events: [drafted] };
      }),
    );
    result.after?.();
    return { round: result.round, seq: result.seq ?? seqOf(events) };
  }

  /**
   * Closes a round inside the caller's transaction (the class locked): only the round's row, at `now`. Its rooms end
   * once this has committed, each in its own transaction (breakouts.room-ends.ts): ending 500 rooms here held the
   * class's lock, and its chat, for seconds. Returns the closed round and what starts the rooms' ends.
   */
  async function closeWithin(trx: Transaction<Database>, round: RoundRow, actor: Actor | null, now: Date) {
    const endsAt = round.ends_at < now ? round.ends_at : now;
    const closed = await updateRound(trx, round.id, { status: 'closed', closed_at: now, closed_by: actor?.id ?? null, ends_at: endsAt });
    return {
      round: closed,
      after: () => {
        invalidateBreakoutCaches();
        roomEnds.endRoundRooms(round.id, actor, now);
      },
    };
  }

  return {
    publish,
    change,
    eventOf,
    oweWithin,
    closeWithin,
    /** At start: what a stopped or crashed node still owed goes out. */
    recover: () => owed.recover(),
    /** Sends what is owed now, then takes no more. */
    stop: () => owed.stop(),
  };
}

export type RoundChanges = ReturnType<typeof createRoundChanges>;
