import type { Transaction } from 'kysely';
import type { Log } from '../background.ts';
import { backoffMs } from '../background.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import type { Db } from '../db/kysely.ts';
import type { Database, LiveSessionRow, MeetingJobRow } from '../db/tables.ts';
import { findSession } from '../classroom/access.repo.ts';
import { invalidateSession, sessionTarget } from '../classroom/session-access.ts';
import { meetingCodeOf, NoMeetRecordError, readMeetAttendance } from './meet-attendance.ts';
import type { MeetClient } from './meet-client.ts';
import { memberEmails, oweMeetSync, replaceMeetSegments, setMeetSyncState } from './meet-sync.repo.ts';
import type { MeetingConfig } from './meetings.config.ts';
import { MeetAccessError } from './meet-errors.ts';
import { finishJob, holdsClaim, retryJobLater } from './meetings.repo.ts';
import { LeaseLostError } from './job-lease.ts';
import type { MeetingProviderError } from './provider.ts';

/** Google writes a conference record a few minutes after a meeting; until this long after the class it is waited for. */
export const RECORD_WAIT_MS = 60 * 60_000;
/** Waiting for a record is polled at most this far apart (whatever the retry settings). */
const RECORD_POLL_MAX_MS = 5 * 60_000;
/** Google keeps conference records this long; a sync asked for later can only find nothing. */
const RECORD_RETENTION_MS = 30 * 24 * 3600_000;

export interface MeetSyncDeps {
  db: Db;
  config: MeetingConfig;
  /** The Meet client, or undefined when Google is not configured (then nothing is ever owed). */
  client: MeetClient | undefined;
  log: Log;
  /** Wakes the meeting worker once a sync job is committed. */
  kick: () => void;
}

export type MeetSync = ReturnType<typeof createMeetSync>;

/**
 * Google Meet attendance after the class: owed (a `sync` job in meeting_jobs) in the transaction that ends a Google
 * Meet class, then worked off by the meeting worker with its lease and restarts. A success replaces the class's
 * meeting segments in one transaction; a refusal no retry fixes fails at once; 429 / 5xx are retried with backoff up
 * to MEETING_MAX_ATTEMPTS; a record not written yet is waited for until RECORD_WAIT_MS after the class.
 */
export function createMeetSync(deps: MeetSyncDeps) {
  const { db, config, client, log } = deps;

  /** Whether the class's meeting can be asked about: a Google Meet link, the feature on, the class held. */
  function syncable(session: LiveSessionRow): { code: string } | { refused: string } {
    // A pasted meet.google.com link counts too: its meeting code is all the Meet API needs (if Google lets us read it).
    if (session.meeting_provider === 'jitsi') return { refused: 'The class was not held on Google Meet' };
    const code = meetingCodeOf(session.meeting_url);
    if (!code) {
      const pasted = session.meeting_provider === 'manual';
      return { refused: pasted ? 'The class was not held on Google Meet' : 'The class has no Google Meet link with a meeting code' };
    }
    if (!client || !config.google?.meetAttendance.enabled)
      return { refused: 'Reading Google Meet attendance is turned off on this server' };
    if (session.status !== 'completed' || !session.actual_start) return { refused: 'The class has not been held and ended yet' };
    return { code };
  }

  async function run(job: MeetingJobRow, signal: AbortSignal): Promise<void> {
    const session = await findSession(db, job.session_id);
    if (!session) {
      await finishJob(db, job); // the session is gone: nothing is owed
      return;
    }
    const can = syncable(session);
    if ('refused' in can || !client) {
      // Turned off, relinked or reopened since it was owed: the report says so rather than pending for ever.
      const reason = 'refused' in can ? can.refused : 'Reading Google Meet attendance is turned off on this server';
      await settle(session, job, async (trx) => {
        const rewritten = await finishJob(trx, job);
        await setMeetSyncState(trx, session.id, rewritten ? { status: 'pending', error: null } : { status: 'failed', error: reason });
        return { action: 'meeting.attendance_sync_failed', details: { reason } };
      });
      return;
    }
    const members = await memberEmails(db, session.course_id);
    const found = await readMeetAttendance(client, can.code, spanOf(session), members, signal);
    const matched = new Set(found.segments.flatMap((s) => (s.userId ? [s.userId] : []))).size;
    const details = { records: found.records, participants: found.participants, matched, segments: found.segments.length };
    await settle(session, job, async (trx) => {
      await replaceMeetSegments(trx, session.id, found.segments);
      const rewritten = await finishJob(trx, job);
      // Asked again while this ran: this result is kept, and the next run replaces it.
      await setMeetSyncState(trx, session.id, { status: rewritten ? 'pending' : 'done', error: found.note });
      return { action: 'meeting.attendance_synced', details };
    });
    log.info({ sessionId: session.id, ...details }, 'Google Meet attendance read');
  }

  /** The worker's call after a failed run: try again later, or record why it failed for good. */
  async function failed(job: MeetingJobRow, error: MeetingProviderError, attempts: number): Promise<void> {
    const session = await findSession(db, job.session_id);
    if (!session) {
      await finishJob(db, job);
      return;
    }
    const end = spanOf(session).end.getTime();
    const retryAt = nextAttempt(error, attempts, end);
    if (retryAt) {
      await retryJobLater(db, job, retryAt, error.message);
      const note = `Attempt ${attempts} failed (${error.message}); retrying`;
      await db.transaction().execute((trx) => setMeetSyncState(trx, session.id, { status: 'pending', error: note }));
      invalidateSession(session.id);
      return;
    }
    let reason = error.message;
    if (session.meeting_provider === 'manual' && (error instanceof NoMeetRecordError || error instanceof MeetAccessError)) {
      reason = `${cannotRead(config)} (${error.message})`;
    } else if (error instanceof NoMeetRecordError) {
      reason = `No meeting record found: ${reason}. Nobody may have joined the Meet${Date.now() - end > RECORD_RETENTION_MS ? ', or its record expired (Google keeps them 30 days)' : ''}`;
    } else if (attempts > 1) reason = `${reason} (gave up after ${attempts} attempts)`;
    await settle(session, job, async (trx) => {
      // Asked again meanwhile: that run decides the outcome.
      const rewritten = await finishJob(trx, job);
      await setMeetSyncState(trx, session.id, rewritten ? { status: 'pending', error: null } : { status: 'failed', error: reason });
      return { action: 'meeting.attendance_sync_failed', details: { reason } };
    });
  }

  function nextAttempt(error: MeetingProviderError, attempts: number, classEnd: number): Date | undefined {
    const { baseMs, maxMs, maxAttempts } = config.retry;
    if (error instanceof NoMeetRecordError) {
      const at = Date.now() + backoffMs(attempts, baseMs, Math.min(maxMs, RECORD_POLL_MAX_MS));
      return at < classEnd + RECORD_WAIT_MS ? new Date(at) : undefined;
    }
    if (!error.retryable || attempts >= maxAttempts) return undefined;
    return new Date(Date.now() + Math.max(backoffMs(attempts, baseMs, maxMs), Math.min(error.retryAfterMs ?? 0, 3_600_000)));
  }

  async function settle(
    session: LiveSessionRow,
    job: MeetingJobRow,
    write: (
      trx: Transaction<Database>,
    ) => Promise<{ action: 'meeting.attendance_synced' | 'meeting.attendance_sync_failed'; details: object }>,
  ) {
    await db.transaction().execute(async (trx) => {
      // A worker whose lease ran out and was taken over records nothing: the job's new worker does.
      if (!(await holdsClaim(trx, job))) throw new LeaseLostError(job.id);
      const { action, details } = await write(trx);
      await insertAuditEntry(
        trx,
        auditEntry(null, action, sessionTarget(session), 'success', { meetingCode: job.external_id, ...details }),
      );
    });
    invalidateSession(session.id);
  }

  return {
    syncable,
    run,
    failed,

    /** In the transaction that changed the session: a Google Meet class that just ended owes its sync. */
    async onSessionChange(trx: Transaction<Database>, before: LiveSessionRow, after: LiveSessionRow) {
      if (before.status === 'completed' || after.status !== 'completed') return undefined;
      const can = syncable(after);
      if ('refused' in can) return undefined;
      await oweMeetSync(trx, after.id, can.code);
      return deps.kick;
    },
  };
}

/**
 * Why a pasted Meet link found nothing: Google shows a conference only to its space's owner and its participants, so a
 * meeting organised by another account (another organisation's, typically) is invisible to the server's account.
 */
function cannotRead(config: MeetingConfig): string {
  const auth = config.google?.auth;
  const account = auth?.kind === 'service-account' ? ` (${auth.subject})` : '';
  return `The server's Google account${account} cannot read this meeting: Google shows a meeting's attendance only to its organiser and its participants, and this pasted link's meeting was probably organised by another account or organisation. A Google Meet link made by this server (provider google) can be read`;
}

/** The class as held: actual start to actual end (the scheduled times only where those are missing). */
function spanOf(session: LiveSessionRow): { start: Date; end: Date } {
  const start = session.actual_start ?? session.scheduled_start;
  const end = session.actual_end ?? new Date(session.scheduled_start.getTime() + session.duration_minutes * 60_000);
  return { start, end };
}
