import type { z } from 'zod';
import type { LtiGradePublicationRow } from '../db/tables.ts';
import type { gradePublication } from './lti.ags.schemas.ts';

/** A publication row as the API shows it (the class report and GET …/lti-grades). */
export function toPublicationDto(row: LtiGradePublicationRow): z.infer<typeof gradePublication> {
  return {
    kind: row.kind,
    mode: row.mode,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.status === 'pending' ? row.run_at.toISOString() : null,
    lineItemUrl: row.line_item_url,
    scoresSent: row.scores_sent,
    scoresRefused: row.scores_refused,
    sentAt: row.sent_at?.toISOString() ?? null,
  };
}
