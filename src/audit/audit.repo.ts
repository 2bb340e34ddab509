import type { Kysely } from 'kysely';
import { inBatches } from '../db/batches.ts';
import type { AuditRow, Database } from '../db/tables.ts';

export interface AuditEntry {
  actorId: string | null;
  actorRole: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  courseId?: string | null;
  sessionId?: string | null;
  outcome: 'success' | 'denied';
  ip: string | null;
  details?: Record<string, unknown>;
}

export async function insertAuditEntry(db: Kysely<Database>, e: AuditEntry): Promise<void> {
  await insertAuditEntries(db, [e]);
}

/** Many entries in few statements: a batch of 500 votes writes its audit rows in one INSERT. */
export async function insertAuditEntries(db: Kysely<Database>, entries: AuditEntry[]): Promise<void> {
  for (const batch of inBatches(entries)) {
    await db
      .insertInto('audit_log')
      .values(
        batch.map((e) => ({
          actor_id: e.actorId,
          actor_role: e.actorRole,
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          course_id: e.courseId ?? null,
          session_id: e.sessionId ?? null,
          outcome: e.outcome,
          ip: e.ip,
          details: e.details ? JSON.stringify(e.details) : null,
        })),
      )
      .execute();
  }
}

export interface AuditFilter {
  sessionId?: string;
  courseId?: string;
  actorId?: string;
  outcome?: 'success' | 'denied';
  /** Only entries older than this id (newest first paging). */
  beforeId?: number;
  limit: number;
}

export async function listAuditEntries(db: Kysely<Database>, f: AuditFilter): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (f.sessionId) q = q.where('session_id', '=', f.sessionId);
  if (f.courseId) q = q.where('course_id', '=', f.courseId);
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.outcome) q = q.where('outcome', '=', f.outcome);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}
