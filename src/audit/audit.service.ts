import type { Actor } from '../auth/actor.ts';
import type { AuditAction } from './audit.actions.ts';
import { isAdmin } from '../auth/policies.ts';
import type { Db } from '../db/kysely.ts';
import { AppError } from '../errors.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import { type AuditEntry, insertAuditEntry, listAuditEntries } from './audit.repo.ts';
import { toAuditDto } from './audit.presenter.ts';
import type { AuditQuery } from './audit.schemas.ts';

export interface AuditTarget {
  type: string;
  id: string | null;
  courseId?: string | null;
  sessionId?: string | null;
}

/** What a service hands the audit log: who did what to which target, and any facts worth keeping. */
export function auditEntry(
  actor: Actor | null,
  action: AuditAction,
  target: AuditTarget,
  outcome: AuditEntry['outcome'],
  details?: Record<string, unknown>,
  ip?: string | null,
): AuditEntry {
  return {
    actorId: actor?.id ?? null,
    actorRole: actor?.role ?? null,
    action,
    targetType: target.type,
    targetId: target.id,
    courseId: target.courseId,
    sessionId: target.sessionId,
    outcome,
    ip: actor?.ip ?? ip ?? null,
    details,
  };
}

export type AuditService = ReturnType<typeof createAuditService>;

export function createAuditService(db: Db) {
  /**
   * Records a refused attempt and returns the error to throw, so a denial is never silent:
   * `throw await audit.deny(actor, 'session.update', target, new AppError('FORBIDDEN', …))`.
   */
  async function deny(actor: Actor | null, action: AuditAction, target: AuditTarget, error: AppError, ip?: string | null) {
    await insertAuditEntry(db, auditEntry(actor, action, target, 'denied', { code: error.code }, ip));
    return error;
  }

  return {
    deny,

    /**
     * Runs `work`; a refusal it throws (an AppError: the class ended, a setting is off, …) is audited as denied on
     * its way out, like an access refusal. Other errors pass untouched.
     */
    async guard<T>(actor: Actor, action: AuditAction, target: AuditTarget, work: () => T | Promise<T>): Promise<T> {
      try {
        return await work();
      } catch (err) {
        throw err instanceof AppError ? await deny(actor, action, target, err) : err;
      }
    },

    /** Admins read the log, newest first, filtered by session, course, actor or outcome. */
    async list(actor: Actor, query: AuditQuery) {
      if (!isAdmin(actor)) throw await deny(actor, 'audit.read', { type: 'audit', id: null }, forbidden());
      const beforeId = query.cursor
        ? decodeCursor(query.cursor, (v) => (Number.isSafeInteger(v) && (v as number) > 0 ? (v as number) : null))
        : undefined;
      const rows = await listAuditEntries(db, { ...query, beforeId, limit: query.limit + 1 });
      return toPage(rows, query.limit, toAuditDto, (row) => Number(row.id));
    },
  };
}

function forbidden() {
  return new AppError('FORBIDDEN', 'Only admins may read the audit log');
}
