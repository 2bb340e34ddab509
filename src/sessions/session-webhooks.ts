import type { Transaction } from 'kysely';
import type { SessionChangeHook } from '../classroom/feature.ts';
import type { Database, LiveSessionRow, SessionStatus } from '../db/tables.ts';
import { enqueueWebhookEvent, type WebhookEventType } from '../webhooks/outbox.ts';
import { toSessionDto } from './sessions.presenter.ts';

/** The webhook a status change stands for; any other change of the row is `session.updated`. */
const BY_TRANSITION: Partial<Record<SessionStatus, WebhookEventType>> = {
  live: 'session.started',
  completed: 'session.ended',
  cancelled: 'session.cancelled',
};

/** The session as everyone on the course sees it (no join code or other manager-only fields leave the service). */
const sessionData = (row: LiveSessionRow) => ({ courseId: row.course_id, sessionId: row.id, session: toSessionDto(row, false) });

/** `session.created`, in the transaction that inserts the session. */
export async function enqueueSessionCreated(trx: Transaction<Database>, row: LiveSessionRow): Promise<void> {
  await enqueueWebhookEvent(trx, 'session.created', sessionData(row));
}

/**
 * `session.updated` for a change made outside the lifecycle (the meeting link replaced, made ready or failed), in
 * that change's transaction. A breakout room sends none (see below).
 */
export async function enqueueSessionUpdated(trx: Transaction<Database>, row: LiveSessionRow): Promise<void> {
  if (!row.parent_session_id) await enqueueWebhookEvent(trx, 'session.updated', sessionData(row));
}

/**
 * The lifecycle's hook for webhooks: session.updated / started / ended / cancelled in the change's transaction, and
 * attendance.report_ready when a class that ran ends (its report can be read from then on), with links that are
 * absolute under PUBLIC_URL (`publicUrl`) and paths otherwise (no request to take an origin from). A breakout room is
 * part of its class's round, not a session of the course's own: it emits none of these.
 */
export function sessionWebhooks(publicUrl?: string): SessionChangeHook {
  return async (trx, before, after) => {
    if (after.parent_session_id) return undefined;
    const type = (before.status !== after.status && BY_TRANSITION[after.status]) || 'session.updated';
    await enqueueWebhookEvent(trx, type, sessionData(after));
    if (type === 'session.ended') {
      const base = `${publicUrl ?? ''}/api/live-sessions/${after.id}`;
      const links = { attendance: `${base}/attendance`, report: `${base}/report` };
      await enqueueWebhookEvent(trx, 'attendance.report_ready', { courseId: after.course_id, sessionId: after.id, links });
    }
    return undefined;
  };
}
