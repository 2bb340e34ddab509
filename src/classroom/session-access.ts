import type { Actor } from '../auth/actor.ts';
import type { AuditAction } from '../audit/audit.actions.ts';
import { canManageCourse, canViewCourse, type Membership } from '../auth/policies.ts';
import type { AuditService, AuditTarget } from '../audit/audit.service.ts';
import { membershipOf } from './membership.ts';
import type { Db } from '../db/kysely.ts';
import type { LiveSessionRow, SessionStatus } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { findSession, isRoomMember } from './access.repo.ts';
import { cachesPerDatabase } from './access-cache.ts';
import { getOrCreate } from '../maps.ts';

// The meeting link is changed by the meeting service and worker, which do not call invalidateSession (yet), so a row
// is cached only for actions that read nothing of it but the course, the status and the settings: those change only
// through the session lifecycle, which invalidates on every commit. Unknown sessions are not cached.
const sessions = cachesPerDatabase<LiveSessionRow | undefined>((row) => row !== undefined);
const CACHED_ACTIONS = new Set(['poll.vote', 'qa.upvote', 'chat.send', 'qa.ask', 'reaction.send', 'hand.raise']);
const inFlight = new WeakMap<Db, Map<string, Promise<LiveSessionRow | undefined>>>();
// Who sits in which breakout room, for the hot actions in a room (by room session and user).
const seats = cachesPerDatabase<boolean>();

/**
 * The session row as the hot in-class actions (votes, upvotes, messages, questions) check it: cached briefly (see
 * access-cache.ts). Not for anything that shows the row, nor for reads inside a transaction (those use lockSession).
 */
export function findSessionCached(db: Db, sessionId: string): Promise<LiveSessionRow | undefined> {
  return sessions.of(db).get(sessionId, () => findSession(db, sessionId));
}

/**
 * The session row as it is now, except that callers arriving while a read of the same row is under way share that
 * read instead of queueing their own: a join storm reads its session a few times, not once per student. Nothing is
 * kept once the read returns.
 */
export function findSessionShared(db: Db, sessionId: string): Promise<LiveSessionRow | undefined> {
  const reads = getOrCreate(inFlight, db, () => new Map());
  const pending = reads.get(sessionId);
  if (pending) return pending;
  const read = findSession(db, sessionId).finally(() => reads.delete(sessionId));
  reads.set(sessionId, read);
  return read;
}

/**
 * The session changed (status, settings, details): the next access check reads it again. Called by the session
 * lifecycle after each commit that changes a session, and by whatever relays session changes from other nodes.
 */
export function invalidateSession(sessionId: string): void {
  sessions.forEach((cache) => {
    cache.invalidate(sessionId);
  });
}

/**
 * Someone's breakout room changed (a move, a choice, a late joiner placed, a round opened or closed): every seat is
 * read again, so a student moved out of a room is refused there at once. Rare, so everything is forgotten.
 */
export function invalidateRoomSeats(): void {
  seats.forEach((cache) => {
    cache.clear();
  });
}

/** A breakout room: its students see it only while assigned to it; course mentors and admins always. */
async function seatedInRoom(db: Db, session: LiveSessionRow, actor: Actor, membership: Membership, cached: boolean): Promise<boolean> {
  if (!session.parent_session_id || canManageCourse(actor, membership) || membership === 'mentor') return true;
  const read = () => isRoomMember(db, session.id, actor.id);
  return cached ? seats.of(db).get(`${session.id}\u0000${actor.id}`, read) : read();
}

export interface SessionAccess {
  session: LiveSessionRow;
  membership: Membership;
  manages: boolean;
}

export type LoadSession = (actor: Actor, sessionId: string, need: 'view' | 'manage', action: AuditAction) => Promise<SessionAccess>;

/**
 * The first step of every session-scoped service call. Outsiders get 404 (a 403 would confirm the session exists),
 * and so does a student in a breakout room that is not theirs; members who may view but not manage get 403. Both
 * refusals are audited.
 */
export function createSessionLoader(db: Db, audit: AuditService): LoadSession {
  return async (actor, sessionId, need, action) => {
    const cached = CACHED_ACTIONS.has(action);
    const session = await (cached ? findSessionCached(db, sessionId) : findSessionShared(db, sessionId));
    if (!session) throw sessionNotFound(sessionId);
    const membership = await membershipOf(db, actor, session.course_id);
    if (!canViewCourse(actor, membership) || !(await seatedInRoom(db, session, actor, membership, cached))) {
      throw await audit.deny(actor, action, sessionTarget(session), sessionNotFound(sessionId));
    }
    const manages = canManageCourse(actor, membership);
    if (need === 'manage' && !manages) {
      throw await audit.deny(actor, action, sessionTarget(session), new AppError('FORBIDDEN', 'Only the course mentors may do this'));
    }
    return { session, membership, manages };
  };
}

export function sessionTarget(session: LiveSessionRow): AuditTarget {
  return { type: 'session', id: session.id, courseId: session.course_id, sessionId: session.id };
}

export function sessionNotFound(sessionId: string): AppError {
  return new AppError('SESSION_NOT_FOUND', `Live session ${sessionId} was not found`);
}

/** Completed and cancelled classes are over: no joins, no edits. */
export const isEnded = (status: SessionStatus): boolean => status === 'completed' || status === 'cancelled';

/** The refusal for acting on a class that is over. */
export function sessionEndedError(status: SessionStatus, doing: string): AppError {
  return status === 'cancelled'
    ? new AppError('SESSION_CANCELLED', `The session was cancelled; you cannot ${doing}`)
    : new AppError('SESSION_COMPLETED', `The session has ended; you cannot ${doing}`);
}
