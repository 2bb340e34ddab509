import { type Kysely, sql } from 'kysely';
import type { AuditAction } from './audit.actions.ts';
import type { AuditRow, Database } from '../db/tables.ts';

export interface AuditEntry {
  actorId: string | null;
  actorRole: string | null;
  action: AuditAction;
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

/**
 * Many entries in one statement: a batch of votes writes its audit rows in one INSERT … SELECT unnest(…), whose ten
 * array parameters cost PostgreSQL (and the driver) far less to parse and plan than 5,000 VALUES parameters. Rows
 * get their ids in the order given.
 */
export async function insertAuditEntries(db: Kysely<Database>, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await sql`INSERT INTO audit_log (${AUDIT_COLUMNS}) SELECT ${AUDIT_COLUMNS} FROM ${auditRows(entries)} ORDER BY n`.execute(db);
}

export const AUDIT_COLUMNS = sql.raw('actor_id, actor_role, action, target_type, target_id, course_id, session_id, outcome, ip, details');

/** The entries as a set of rows `t(<AUDIT_COLUMNS>, n)`, for statements that insert only some of them. */
export function auditRows(entries: AuditEntry[]) {
  const column = <T>(pick: (e: AuditEntry) => T) => entries.map(pick);
  return sql`unnest(
      ${column((e) => e.actorId)}::text[], ${column((e) => e.actorRole)}::text[], ${column((e) => e.action)}::text[],
      ${column((e) => e.targetType)}::text[], ${column((e) => e.targetId)}::text[], ${column((e) => e.courseId ?? null)}::text[],
      ${column((e) => e.sessionId ?? null)}::uuid[], ${column((e) => e.outcome)}::text[], ${column((e) => e.ip)}::text[],
      ${column((e) => (e.details ? JSON.stringify(e.details) : null))}::jsonb[]
    ) WITH ORDINALITY AS t(${AUDIT_COLUMNS}, n)`;
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
