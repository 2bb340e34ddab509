import type { Transaction, Updateable } from 'kysely';
import type { AuditAction } from '../audit/audit.actions.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import type { Database, LiveSessionRow, LiveSessionsTable, MeetingJobRow } from '../db/tables.ts';
import { type ClassDeps, recordChange } from '../classroom/class-deps.ts';
import { sessionTarget } from '../classroom/session-access.ts';
import { enqueueSessionUpdated } from '../sessions/session-webhooks.ts';
import { toSessionDto } from '../sessions/sessions.presenter.ts';
import { lockSession, updateSessionIfStatus } from '../sessions/sessions.repo.ts';
import { findParentSessionId, finishJob, releaseJob } from './meetings.repo.ts';

/**
 * A breakout room's link changed state (ready, failed): inside the outcome's transaction, with the class locked
 * before the room (the lock order of breakouts). Returns what to run once it has committed (the class's broadcast).
 */
export type RoomLinkHook = (trx: Transaction<Database>, room: LiveSessionRow) => Promise<(() => void) | undefined>;

type Deps = Pick<ClassDeps, 'db' | 'publish'> & { onRoomLink?: RoomLinkHook };

/**
 * Writes what a provider call came to, under the session's row lock, in one transaction with the job's bookkeeping,
 * the audit row (actor: the system) and `session:updated` when the session changed. A session whose link was
 * replaced, or which was cancelled, meanwhile is left alone: its link's job has become a deletion.
 */
async function settle(
  deps: Deps,
  job: MeetingJobRow,
  change: Updateable<LiveSessionsTable> | undefined,
  action: AuditAction,
  details: Record<string, unknown>,
  bookkeeping: (trx: Transaction<Database>) => Promise<unknown>,
): Promise<void> {
  const { result: then } = await recordChange(deps, job.session_id, async (trx) => {
    // A breakout room's class is locked before the room, as every breakout change locks them.
    const parentId = deps.onRoomLink && change ? await findParentSessionId(trx, job.session_id) : null;
    if (parentId) await lockSession(trx, parentId);
    const session = await lockSession(trx, job.session_id);
    await bookkeeping(trx);
    if (!session || !change || session.meeting_external_id !== job.external_id || session.status === 'cancelled')
      return { result: undefined, events: [] };
    // Not cancelled (checked above, under the lock): any other status takes the link's outcome.
    const updated = await updateSessionIfStatus(trx, session.id, ['scheduled', 'live', 'completed'], change);
    if (!updated) return { result: undefined, events: [] };
    await insertAuditEntry(trx, auditEntry(null, action, sessionTarget(updated), 'success', { provider: job.provider, ...details }));
    // Other systems hear of the link's state (ready, failed); an error cleared after a calendar sync is not news.
    if (change.meeting_status !== undefined) await enqueueSessionUpdated(trx, updated);
    const result = parentId && deps.onRoomLink ? await deps.onRoomLink(trx, updated) : undefined;
    return { result, events: [{ event: 'session:updated', payload: { session: toSessionDto(updated, false) } }] };
  });
  then?.();
}

export const meetingOutcomes = {
  /** The link exists: the session gets it. If the details changed during the call, an update follows. */
  created: (deps: Deps, job: MeetingJobRow, url: string) =>
    settle(deps, job, { meeting_url: url, meeting_status: 'ready', meeting_error: null }, 'meeting.ready', {}, async (trx) => {
      const rewritten = await finishJob(trx, job);
      if (rewritten?.operation === 'create') await releaseJob(trx, job.id, { operation: 'update', externalId: job.external_id });
    }),

  /** The provider has the new details; an earlier update error no longer applies. */
  async updated(deps: Deps, job: MeetingJobRow, hadError: boolean) {
    await settle(deps, job, hadError ? { meeting_error: null } : undefined, 'meeting.synced', {}, (trx) => finishJob(trx, job));
  },

  /** Creation failed for good: the mentor sees why; whatever Google may hold under the id is deleted. */
  failed: (deps: Deps, job: MeetingJobRow, reason: string) =>
    settle(deps, job, { meeting_url: null, meeting_status: 'failed', meeting_error: reason }, 'meeting.failed', { reason }, (trx) =>
      releaseJob(trx, job.id, { operation: 'delete', externalId: job.external_id }),
    ),

  /** The link still works, but the calendar event shows old details: the mentor is told. */
  updateFailed: (deps: Deps, job: MeetingJobRow, reason: string) => {
    const error = `Google Calendar was not updated: ${reason}`;
    return settle(deps, job, { meeting_error: error }, 'meeting.update_failed', { reason }, (trx) => finishJob(trx, job));
  },
};
