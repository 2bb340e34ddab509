import { insertAuditEntries } from '../audit/audit.repo.ts';
import { type BatchObserver, createBatcher } from '../db/batcher.ts';
import type { Db } from '../db/kysely.ts';
import { applySegmentChanges } from './attendance.repo.ts';
import type { Person } from './presence-rooms.ts';

export type SegmentOp = { open: boolean; sessionId: string; courseId: string | null; person: Person; ip: string | null; at: Date };

/**
 * Attendance segments opened and closed by the session room, batched: a join storm of 5,000 is a few commits of
 * one statement per run of opens or closes.
 * Each op is audited like a REST join or leave, in the same transaction; submits commit in submission order.
 */
export function createSegmentWriter(db: Db, observer?: BatchObserver) {
  return createBatcher<SegmentOp, void>(
    db,
    async (trx, ops) => {
      const changes = ops.map((op) => ({ open: op.open, sessionId: op.sessionId, userId: op.person.id, at: op.at }));
      await applySegmentChanges(trx, changes, 'socket');
      await insertAuditEntries(
        trx,
        ops.map((op) => ({
          actorId: op.person.id,
          actorRole: op.person.role,
          action: op.open ? 'attendance.join' : 'attendance.leave',
          targetType: 'session',
          targetId: op.sessionId,
          courseId: op.courseId,
          sessionId: op.sessionId,
          outcome: 'success' as const,
          ip: op.ip,
          details: { via: 'socket' },
        })),
      );
      return ops.map(() => undefined);
    },
    { observer },
  );
}
