import type { Actor } from '../auth/actor.ts';
import { canManageCourse, canViewCourse, type Membership } from '../auth/policies.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { findMembership } from '../courses/courses.repo.ts';
import type { Db } from '../db/kysely.ts';
import type { LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { findSession } from './sessions.repo.ts';

export interface SessionAccess {
  session: LiveSessionRow;
  membership: Membership;
  manages: boolean;
}

export type LoadSession = (actor: Actor, sessionId: string, need: 'view' | 'manage', action: string) => Promise<SessionAccess>;

/**
 * The first step of every session-scoped service call. Outsiders get 404 (a 403 would confirm the session exists);
 * members who may view but not manage get 403. Both refusals are audited.
 */
export function createSessionLoader(db: Db, audit: AuditService): LoadSession {
  return async (actor, sessionId, need, action) => {
    const session = await findSession(db, sessionId);
    if (!session) throw notFound(sessionId);
    const membership = actor.role === 'admin' ? null : await findMembership(db, session.course_id, actor.id);
    const target = { type: 'session', id: session.id, courseId: session.course_id, sessionId: session.id };
    if (!canViewCourse(actor, membership)) throw await audit.deny(actor, action, target, notFound(sessionId));
    const manages = canManageCourse(actor, membership);
    if (need === 'manage' && !manages) {
      throw await audit.deny(actor, action, target, new AppError('FORBIDDEN', 'Only the course mentors may do this'));
    }
    return { session, membership, manages };
  };
}

export function notFound(sessionId: string): AppError {
  return new AppError('SESSION_NOT_FOUND', `Live session ${sessionId} was not found`);
}

/** The refusal for acting on a class that is over. */
export function sessionEndedError(session: LiveSessionRow, doing: string): AppError {
  return session.status === 'cancelled'
    ? new AppError('SESSION_CANCELLED', `The session was cancelled; you cannot ${doing}`)
    : new AppError('SESSION_COMPLETED', `The session has ended; you cannot ${doing}`);
}
