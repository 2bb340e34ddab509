import type { Transaction } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { createRetries } from '../background.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import type { ClassDeps } from '../classroom/class-deps.ts';
import type { ClassEndOutcome } from '../classroom/feature.ts';
import { findSession } from '../classroom/access.repo.ts';
import { createOwedBroadcasts } from '../classroom/owed-broadcasts.ts';
import { sessionNotFound, sessionTarget } from '../classroom/session-access.ts';
import { requireLive } from '../classroom/session-guards.ts';
import type { Database } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { EventDraft } from '../events/events.repo.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import {
  clearHandsPending,
  countHands,
  type HandRow,
  listHands,
  listPendingHandQueues,
  lowerHands,
  markHandsPending,
  lowerHandOf,
  raiseHandWhileLive,
  sessionsWithHandOf,
} from './hands.repo.ts';
import { HAND_QUEUE_BROADCAST_LIMIT, type HandQueue, type HandState, type RaisedHand } from './hands.schemas.ts';

/** At most ~4 hand:queue per second per class, however many hands go up at once. */
const QUEUE_BROADCAST_MS = 250;

export type HandsService = ReturnType<typeof createHandsService>;

const toRaisedHand = (row: HandRow): RaisedHand => ({ userId: row.user_id, name: row.name, raisedAt: row.raised_at.toISOString() });

/** The queue event as it is now: the first hands by raise time, and how many are up. */
async function queueEvent(db: Transaction<Database>, sessionId: string): Promise<EventDraft> {
  const hands = await listHands(db, sessionId, HAND_QUEUE_BROADCAST_LIMIT);
  const total = hands.length < HAND_QUEUE_BROADCAST_LIMIT ? hands.length : await countHands(db, sessionId);
  return { event: 'hand:queue', payload: { queue: hands.map(toRaisedHand), total } };
}

/**
 * Raised hands: students raise and lower their own; course mentors and admins see the queue (first raised first),
 * lower anyone's, or lower all. Every change is persisted under the session lock and owes the room a `hand:queue`,
 * coalesced (a class raising hands at once becomes a few broadcasts) and recovered after a crash (the session's flag).
 */
export function createHandsService(deps: ClassDeps) {
  const { db, audit, loadSession, limits } = deps;
  const retries = createRetries(deps.log);
  const broadcasts = createOwedBroadcasts(deps, {
    what: 'hand:queue broadcast',
    intervalMs: QUEUE_BROADCAST_MS,
    listOwed: listPendingHandQueues,
    // Nothing to send when the flag is already clear: another node's flush (or the class end) said it after this change.
    send: async (trx, { sessionId }) => ((await clearHandsPending(trx, sessionId)) ? [await queueEvent(trx, sessionId)] : []),
  });

  /** Lowers hands in one session under its lock; returns how many were up. The queue's broadcast is owed. */
  async function lowerIn(actor: Actor | null, sessionId: string, userIds: string[] | undefined, action: 'hand.lower' | 'hand.lower_all') {
    const lowered = await db.transaction().execute(async (trx) => {
      const session = await lockSession(trx, sessionId);
      if (!session) throw sessionNotFound(sessionId);
      const n = await lowerHands(trx, sessionId, userIds);
      if (n > 0) {
        await markHandsPending(trx, [sessionId]);
        if (actor) await insertAuditEntry(trx, auditEntry(actor, action, sessionTarget(session), 'success', { userIds, lowered: n }));
      }
      return n;
    });
    if (lowered > 0) broadcasts.owe(sessionId, sessionId);
    return lowered;
  }

  return {
    /** Raises the caller's hand (students, while the class is live); a hand already up keeps its place. */
    async raise(actor: Actor, sessionId: string): Promise<HandState> {
      const { session, manages } = await loadSession(actor, sessionId, 'view', 'hand.raise');
      const target = sessionTarget(session);
      await audit.guard(actor, 'hand.raise', target, () => {
        requireLive(session);
        if (manages) throw new AppError('FORBIDDEN', 'Mentors see the hand queue; raising a hand is for students');
      });
      await limits.take(actor, 'hand');
      const { raisedAt, raised } = await audit.guard(actor, 'hand.raise', target, async () => {
        const result = await raiseHandWhileLive(db, session.id, actor.id, auditEntry(actor, 'hand.raise', target, 'success'));
        if (result.live) return result;
        // Ended (or gone) since it was loaded: refused as it would have been before.
        const now = await findSession(db, session.id);
        if (!now) throw sessionNotFound(session.id);
        requireLive(now);
        throw new AppError('SESSION_NOT_LIVE', 'The class is not live; this works only while it is live');
      });
      if (raised) broadcasts.owe(session.id, session.id);
      return { userId: actor.id, raised: true, raisedAt: raisedAt.toISOString() };
    },

    /**
     * Lowers a hand: the caller's own (anyone, any class state: a hand can always come down), or another's (course
     * mentors and admins). Lowering a hand that is not up changes nothing and succeeds.
     */
    async lower(actor: Actor, sessionId: string, userId?: string): Promise<HandState> {
      const whose = userId ?? actor.id;
      const own = whose === actor.id;
      const { session } = await loadSession(actor, sessionId, own ? 'view' : 'manage', 'hand.lower');
      if (own) await limits.take(actor, 'hand');
      const entry = auditEntry(actor, 'hand.lower', sessionTarget(session), 'success', { userIds: [whose], lowered: 1 });
      const { found, lowered } = await lowerHandOf(db, session.id, whose, entry);
      if (!found) throw sessionNotFound(session.id);
      if (lowered) broadcasts.owe(session.id, session.id);
      return { userId: whose, raised: false, raisedAt: null };
    },

    /** Lowers every hand in the class (course mentors and admins). */
    async lowerAll(actor: Actor, sessionId: string): Promise<{ lowered: number }> {
      const { session } = await loadSession(actor, sessionId, 'manage', 'hand.lower_all');
      return { lowered: await lowerIn(actor, session.id, undefined, 'hand.lower_all') };
    },

    /** The whole queue, first raised first (members; the room hears the same through hand:queue). */
    async list(actor: Actor, sessionId: string): Promise<HandQueue> {
      const { session } = await loadSession(actor, sessionId, 'view', 'hand.read');
      const queue = (await listHands(db, session.id)).map(toRaisedHand);
      return { queue, total: queue.length };
    },

    /** The class ended: every hand comes down in the same transaction, and the room hears an empty queue. */
    async onClassEnd(trx: Transaction<Database>, sessionId: string): Promise<ClassEndOutcome> {
      const lowered = await lowerHands(trx, sessionId);
      const pending = await clearHandsPending(trx, sessionId);
      if (lowered === 0 && !pending) return {};
      return { events: [{ event: 'hand:queue', payload: { queue: [], total: 0 } }], audit: { handsLowered: lowered } };
    },

    /**
     * A user left a course's roster: their hands in its classes come down, each class under its own lock (the lock
     * order every change uses). Called after the roster change committed; retried until the database answers
     * (lowering is idempotent). Never rejects.
     */
    onRosterRemoved(courseId: string, userId: string): Promise<void> {
      return retries.run('lowering the hands of a removed member', { courseId, userId }, async () => {
        for (const sessionId of await sessionsWithHandOf(db, courseId, userId)) await lowerIn(null, sessionId, [userId], 'hand.lower');
      });
    },

    stop: (): Promise<void> => {
      retries.stop();
      return broadcasts.stop();
    },
    recover: (): Promise<void> => broadcasts.recover(),
  };
}
