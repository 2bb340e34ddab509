import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import type { Db } from '../db/kysely.ts';
import type { LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { invalidateSession, type LoadSession, sessionTarget } from '../classroom/session-access.ts';
import type { MeetSync } from './meet-sync.job.ts';
import { oweMeetSync } from './meet-sync.repo.ts';
import type { MeetingSyncAvailability, MeetingSyncState } from './meetings.schemas.ts';

export interface MeetSyncServiceDeps {
  db: Db;
  audit: AuditService;
  loadSession: LoadSession;
  sync: Pick<MeetSync, 'syncable'>;
  kick: () => void;
}

export type MeetSyncService = ReturnType<typeof createMeetSyncService>;

/** A manager's re-run of the Google Meet attendance sync (records expire after 30 days; a first run may have failed). */
export function createMeetSyncService({ db, audit, loadSession, sync, kick }: MeetSyncServiceDeps) {
  return {
    /** Where the sync stands and whether it may be run again: the web app shows its button exactly when it would work. */
    async availability(actor: Actor, sessionId: string): Promise<MeetingSyncAvailability> {
      const { session } = await loadSession(actor, sessionId, 'manage', 'report.read');
      const can = sync.syncable(session);
      return { ...stateOf(session), available: !('refused' in can), unavailableReason: 'refused' in can ? can.refused : null };
    },

    /** Owes the sync again, now, with a fresh count of attempts; answers with the state it is in (pending). */
    async request(actor: Actor, sessionId: string): Promise<MeetingSyncState> {
      const action = 'meeting.attendance_sync';
      const { session } = await loadSession(actor, sessionId, 'manage', action);
      const can = sync.syncable(session);
      if ('refused' in can)
        throw await audit.deny(actor, action, sessionTarget(session), new AppError('MEETING_SYNC_UNAVAILABLE', can.refused));
      await db.transaction().execute(async (trx) => {
        await oweMeetSync(trx, session.id, can.code);
        await insertAuditEntry(trx, auditEntry(actor, action, sessionTarget(session), 'success', { meetingCode: can.code }));
      });
      invalidateSession(session.id);
      kick();
      return stateOf({ ...session, meeting_sync_status: 'pending', meeting_sync_error: null });
    },
  };
}

export function stateOf(
  session: Pick<LiveSessionRow, 'meeting_sync_status' | 'meeting_synced_at' | 'meeting_sync_error'>,
): MeetingSyncState {
  return {
    status: session.meeting_sync_status,
    syncedAt: session.meeting_synced_at ? new Date(session.meeting_synced_at).toISOString() : null,
    error: session.meeting_sync_error,
  };
}
