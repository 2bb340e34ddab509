import type { AuditRow } from '../db/tables.ts';

/** An audit row as admins read it; ids are numbers whichever database returned them. */
export function toAuditDto(row: AuditRow) {
  return {
    id: Number(row.id),
    at: row.at.toISOString(),
    actor: row.actor_id ? { id: row.actor_id, role: row.actor_role } : null,
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    courseId: row.course_id,
    sessionId: row.session_id,
    outcome: row.outcome,
    ip: row.ip,
    details: (row.details as Record<string, unknown> | null) ?? null,
  };
}
