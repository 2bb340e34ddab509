import type { FastifyBaseLogger } from 'fastify';
import { createJobPump } from '../job-pump.ts';
import type { LiveSessionRow, MeetingJobRow } from '../db/tables.ts';
import type { ClassDeps } from '../classroom/class-deps.ts';
import { findSession } from '../classroom/access.repo.ts';
import { keepLease, LeaseLostError } from './job-lease.ts';
import { meetingOutcomes, type RoomLinkHook } from './meeting-outcomes.ts';
import type { MeetSync } from './meet-sync.job.ts';
import type { MeetingConfig } from './meetings.config.ts';
import { claimDueJob, finishJob, nextDueAt, notePendingAttempt, releaseJob, retryJobLater, rosterEmails } from './meetings.repo.ts';
import { type MeetingSpec, MeetingProviderError } from './provider.ts';
import type { MeetingProviders } from './providers.ts';

/** A claim's length; renewed every third of it while the job runs (job-lease.ts), so only a dead worker loses one. */
const LEASE_MS = 120_000;
/** Other nodes' jobs and expired leases are noticed at least this often. */
const POLL_MS = 30_000;
const CALL_TIMEOUT_MS = 60_000;
/**
 * Reading a Meet's attendance is many calls (every participant's sessions), each with its own timeout and retries;
 * this bounds the whole, generously: the lease is renewed meanwhile, so no other worker starts the job again.
 */
const SYNC_TIMEOUT_MS = 15 * 60_000;
const CONCURRENCY = 4;

export interface MeetingWorkerDeps extends Pick<ClassDeps, 'db' | 'publish'> {
  providers: MeetingProviders;
  config: MeetingConfig;
  log: FastifyBaseLogger;
  /** Google Meet attendance after the class (`sync` jobs); without it such jobs are dropped. */
  sync?: Pick<MeetSync, 'run' | 'failed'>;
  /** A claim's length (tests shorten it). */
  leaseMs?: number;
  /** A breakout room's link became ready or failed: its class hears of it (breakouts). */
  onRoomLink?: RoomLinkHook;
}

/**
 * Works off what is owed to remote meeting providers (meeting_jobs): creates, updates and deletions, a few at a time,
 * retrying failures with exponential backoff (longer when the provider says Retry-After) until MEETING_MAX_ATTEMPTS,
 * then failing the link with the reason. Jobs live in the database, so a restart resumes them.
 */
export function createMeetingWorker(deps: MeetingWorkerDeps) {
  const { db, providers, config, log, leaseMs = LEASE_MS } = deps;
  const pump = createJobPump<MeetingJobRow>({
    what: 'meeting worker',
    log,
    concurrency: CONCURRENCY,
    pollMs: POLL_MS,
    claim: () => claimDueJob(db, leaseMs),
    run: (job, stopping) => runJob(job, stopping),
    nextDueAt: () => nextDueAt(db),
  });

  async function runJob(job: MeetingJobRow, stopping: AbortSignal): Promise<void> {
    const provider = providers[job.provider];
    let session: LiveSessionRow | undefined;
    // Each call stops at the timeout (so a late answer cannot act after its job moved on) or when the worker stops.
    const limitMs = job.operation === 'sync' ? SYNC_TIMEOUT_MS : CALL_TIMEOUT_MS;
    const lease = keepLease(db, job, leaseMs, log);
    const signal = AbortSignal.any([stopping, lease.signal, AbortSignal.timeout(limitMs)]);
    try {
      if (job.operation === 'sync') {
        if (deps.sync) await timed(deps.sync.run(job, signal), signal, limitMs);
        else await finishJob(db, job);
        return;
      }
      if (job.operation === 'delete') {
        await timed(provider.cancel(job.external_id, signal), signal, limitMs);
        await finishJob(db, job);
        return;
      }
      session = await findSession(db, job.session_id);
      if (!session || session.meeting_external_id !== job.external_id) {
        await finishJob(db, job); // replaced or gone: its row now owes the deletion, or nothing
        return;
      }
      const spec = await specOf(session);
      if (job.operation === 'create') {
        const { url } = await timed(provider.create(job.external_id, spec, signal), signal, limitMs);
        await meetingOutcomes.created(deps, job, url);
      } else {
        await timed(provider.update(job.external_id, spec, signal), signal, limitMs);
        await meetingOutcomes.updated(deps, job, session.meeting_error !== null);
      }
    } catch (err) {
      lease.stop();
      if (err instanceof LeaseLostError || lease.lost()) {
        // Another worker has the job now: whatever this one learnt is dropped, and that one records the outcome.
        log.warn({ jobId: job.id, sessionId: job.session_id, operation: job.operation }, 'meeting job lease lost; left to its new worker');
        return;
      }
      if (pump.stopped()) {
        // Unreleased, the job waits for its lease to expire (LEASE_MS) before the next start takes it up.
        await releaseJob(db, job.id).catch((e: unknown) =>
          log.warn({ err: e, jobId: job.id }, 'could not release a meeting job while stopping'),
        );
        return;
      }
      // Bookkeeping that fails (the database is away) is logged; the job's lease then expires and it is claimed again.
      await failed(job, session, asProviderError(err)).catch((e: unknown) =>
        log.error({ err: e, jobId: job.id }, 'meeting job bookkeeping failed'),
      );
    } finally {
      lease.stop();
    }
  }

  async function failed(job: MeetingJobRow, session: LiveSessionRow | undefined, error: MeetingProviderError) {
    const attempts = job.attempts + 1;
    log.warn(
      { jobId: job.id, sessionId: job.session_id, operation: job.operation, attempts, reason: error.message },
      'meeting provider call failed',
    );
    if (job.operation === 'sync') {
      if (deps.sync) await deps.sync.failed(job, error, attempts);
      else await finishJob(db, job);
      return;
    }
    if (error.retryable && attempts < config.retry.maxAttempts) {
      const delay = Math.max(backoff(attempts), Math.min(error.retryAfterMs ?? 0, 3_600_000));
      const note = `Attempt ${attempts} of ${config.retry.maxAttempts} failed (${error.message}); retrying`;
      await retryJobLater(db, job, new Date(Date.now() + delay), error.message);
      if (job.operation === 'create' && session) {
        await notePendingAttempt(db, session.id, job.external_id, note);
      }
      return;
    }
    const reason = attempts > 1 ? `${error.message} (gave up after ${attempts} attempts)` : error.message;
    if (job.operation === 'create') await meetingOutcomes.failed(deps, job, reason);
    else if (job.operation === 'update') await meetingOutcomes.updateFailed(deps, job, reason);
    else await finishJob(db, job); // a deletion that cannot be done is logged above and dropped
  }

  function backoff(attempts: number): number {
    const { baseMs, maxMs } = config.retry;
    const exact = Math.min(maxMs, baseMs * 2 ** (attempts - 1));
    return Math.round(exact * (0.8 + Math.random() * 0.4)); // jitter: many sessions must not retry in lockstep
  }

  async function specOf(session: LiveSessionRow): Promise<MeetingSpec> {
    const invite = session.meeting_provider === 'google' && config.google?.inviteRoster;
    return {
      title: session.title,
      description: session.description,
      start: session.scheduled_start,
      end: new Date(session.scheduled_start.getTime() + session.duration_minutes * 60_000),
      attendees: invite ? await rosterEmails(db, session.course_id) : [],
    };
  }

  return {
    /** Looks for due work now (after a job was committed). */
    kick: pump.kick,
    start: pump.start,
    /** Stops taking jobs; calls under way are aborted and their jobs left for the next start. */
    stop: pump.stop,
  };
}

/** The call, or a retryable timeout error once `signal` fires (even if the call ignores it, like a token refresh). */
function timed<T>(call: Promise<T>, signal: AbortSignal, limitMs: number): Promise<T> {
  let onAbort = () => {};
  const limit = new Promise<never>((_, reject) => {
    onAbort = () => reject(new MeetingProviderError(`The provider did not answer within ${limitMs / 1000} s`, true));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([call, limit]).finally(() => signal.removeEventListener('abort', onAbort));
}

function asProviderError(err: unknown): MeetingProviderError {
  if (err instanceof MeetingProviderError) return err;
  return new MeetingProviderError(`Unexpected error: ${(err as Error)?.message ?? String(err)}`, true);
}
