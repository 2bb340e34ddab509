import type { Transaction } from 'kysely';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { backoffMs, type Log } from '../background.ts';
import { createJobPump } from '../job-pump.ts';
import type { Db } from '../db/kysely.ts';
import type { Database, LtiGradePublicationRow } from '../db/tables.ts';
import { publishGrades, type PublishResult } from './lti.ags.publish.ts';
import { claimDuePublication, nextDueAt, renewClaim, settlePublication } from './lti.ags.repo.ts';
import { type FetchLike, LtiServiceError } from './lti.service-token.http.ts';
import type { ServiceTokens } from './lti.service-token.ts';

const LEASE_MS = 5 * 60_000;
/** Other nodes' publications and expired leases are noticed at least this often. */
const POLL_MS = 60_000;
const CONCURRENCY = 2;

export interface GradeRetry {
  /** The wait after the first failure; doubling (with jitter) up to maxMs. */
  baseMs: number;
  maxMs: number;
  /** Attempts before a publication is marked failed (a mentor may send it again). */
  maxAttempts: number;
}
/** 30 s, 1 min, 2 min … 1 h: eight attempts over about two hours ride out an LMS's maintenance window. */
export const DEFAULT_GRADE_RETRY: GradeRetry = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 8 };

export interface GradeWorkerDeps {
  db: Db;
  tokens: ServiceTokens;
  log: Log;
  fetch?: FetchLike;
  retry?: GradeRetry;
  leaseMs?: number;
  /**
   * Inside the transaction that marks a publication sent, after its row and audit entry: the place for the
   * `grade.published` webhook (the lead wires enqueueWebhookEvent(trx, 'grade.published', …) here at merge).
   */
  onSent?: (trx: Transaction<Database>, pub: LtiGradePublicationRow, result: PublishResult) => Promise<void>;
}

export type GradeWorker = ReturnType<typeof createGradeWorker>;

/**
 * Works off lti_grade_publications: claims a due one with a lease (renewed while it runs, so only a dead node loses
 * one), publishes it, and records sent; a failure is retried with exponential backoff (longer when the LMS says
 * Retry-After) until maxAttempts, then recorded failed with the reason. Rows live in the database: a restart resumes.
 */
export function createGradeWorker(deps: GradeWorkerDeps) {
  const { db, log, leaseMs = LEASE_MS } = deps;
  const retry = deps.retry ?? DEFAULT_GRADE_RETRY;
  const pump = createJobPump<LtiGradePublicationRow>({
    what: 'grade worker',
    log,
    concurrency: CONCURRENCY,
    pollMs: POLL_MS,
    claim: () => claimDuePublication(db, leaseMs),
    run: (pub, stopping) => runOne(pub, stopping),
    nextDueAt: () => nextDueAt(db),
  });

  async function runOne(pub: LtiGradePublicationRow, stopping: AbortSignal): Promise<void> {
    const context = { publicationId: pub.id, sessionId: pub.session_id, kind: pub.kind };
    const lost = new AbortController();
    const beat = setInterval(() => {
      renewClaim(db, pub, leaseMs)
        .then((held) => held || lost.abort())
        .catch((err: unknown) => log.warn({ err, ...context }, 'could not renew a grade publication lease; trying again'));
    }, leaseMs / 3);
    beat.unref();
    const signal = AbortSignal.any([stopping, lost.signal]);
    const onRefused = (sub: string, err: LtiServiceError) =>
      log.warn({ ...context, sub, status: err.status, answer: err.detail }, 'the LMS refused a student score; the others go on');
    // Kept before any score is sent; a claim lost meanwhile (its lease ran out and another worker took it) stops here.
    const saveLineItem = async (url: string) => {
      if (await settlePublication(db, pub, { line_item_url: url }, false)) return;
      lost.abort();
      throw new LtiServiceError('The publication was taken over by another worker', true);
    };
    try {
      const result = await publishGrades(db, deps.tokens, pub, saveLineItem, { fetch: deps.fetch, signal, onRefused });
      await markSent(pub, result);
    } catch (err) {
      if (lost.signal.aborted) return log.warn(context, 'grade publication lease lost; left to its new worker');
      if (pump.stopped()) {
        // Released, it is claimed again at the next start instead of after its lease.
        await settlePublication(db, pub, {}).catch((e: unknown) =>
          log.warn({ err: e, ...context }, 'could not release a grade publication'),
        );
        return;
      }
      await failed(pub, err).catch((e: unknown) => log.error({ err: e, ...context }, 'grade publication bookkeeping failed'));
    } finally {
      clearInterval(beat);
    }
  }

  async function markSent(pub: LtiGradePublicationRow, result: PublishResult) {
    await db.transaction().execute(async (trx) => {
      const sent = {
        status: 'sent' as const,
        sent_at: new Date(),
        scores_sent: result.scoresSent,
        scores_refused: result.refused,
        line_item_url: result.lineItemUrl,
      };
      if (!(await settlePublication(trx, pub, { ...sent, last_error: null, attempts: pub.attempts + 1 }))) return;
      const target = { type: 'session', id: pub.session_id, courseId: pub.course_id, sessionId: pub.session_id };
      await insertAuditEntry(trx, auditEntry(null, 'lti.grades.sent', target, 'success', { kind: pub.kind, ...result }));
      // The grade.published webhook goes here, committed with the row (see GradeWorkerDeps.onSent).
      await deps.onSent?.(trx, pub, result);
    });
    log.info({ publicationId: pub.id, sessionId: pub.session_id, kind: pub.kind, ...result }, 'grades published to the LMS');
  }

  async function failed(pub: LtiGradePublicationRow, err: unknown) {
    const error = err instanceof LtiServiceError ? err : new LtiServiceError(`Unexpected error: ${(err as Error)?.message ?? err}`, true);
    const attempts = pub.attempts + 1;
    // The LMS's own answer is logged (bounded), never stored as the reason a mentor reads.
    const context = {
      publicationId: pub.id,
      sessionId: pub.session_id,
      kind: pub.kind,
      attempts,
      reason: error.message,
      answer: error.detail,
    };
    if (error.retryable && attempts < retry.maxAttempts) {
      const delay = Math.max(backoffMs(attempts, retry.baseMs, retry.maxMs), Math.min(error.retryAfterMs ?? 0, retry.maxMs));
      log.warn({ ...context, retryInMs: delay }, 'grade publication failed; retrying');
      await settlePublication(db, pub, { attempts, last_error: error.message, run_at: new Date(Date.now() + delay) });
      return;
    }
    log.error(context, 'grade publication failed; giving up');
    const reason = attempts > 1 ? `${error.message} (gave up after ${attempts} attempts)` : error.message;
    await db.transaction().execute(async (trx) => {
      if (!(await settlePublication(trx, pub, { status: 'failed', attempts, last_error: reason }))) return;
      const target = { type: 'session', id: pub.session_id, courseId: pub.course_id, sessionId: pub.session_id };
      await insertAuditEntry(trx, auditEntry(null, 'lti.grades.failed', target, 'success', { kind: pub.kind, reason }));
    });
  }

  return {
    /** Looks for due work now (after a class end or a retry committed). */
    kick: pump.kick,
    start: pump.start,
    /** Stops taking work; publications under way are aborted and released for the next start. */
    stop: pump.stop,
  };
}
