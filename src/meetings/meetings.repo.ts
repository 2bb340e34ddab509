import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database, MeetingJobOperation, MeetingJobRow, MeetingProvider } from '../db/tables.ts';

type Q = Kysely<Database>;

/**
 * Makes `operation` the session's current job for `externalId`: a new row, or the existing one rewritten with a new
 * version, so a worker finishing an older version can tell that more is owed.
 */
export async function setCurrentJob(
  db: Q,
  sessionId: string,
  operation: MeetingJobOperation,
  provider: MeetingProvider,
  externalId: string,
) {
  await db
    .insertInto('meeting_jobs')
    .values({ session_id: sessionId, operation, provider, external_id: externalId })
    .onConflict((oc) =>
      oc.column('session_id').where('operation', 'in', ['create', 'update']).doUpdateSet({
        operation,
        provider,
        external_id: externalId,
        version: sql`meeting_jobs.version + 1`,
        attempts: 0,
        run_at: sql`now()`,
        last_error: null,
      }),
    )
    .execute();
}

/** A breakout room's class (it never changes), or null for a class. */
export async function findParentSessionId(db: Q, sessionId: string): Promise<string | null> {
  const row = await db.selectFrom('live_sessions').select('parent_session_id').where('id', '=', sessionId).executeTakeFirst();
  return row?.parent_session_id ?? null;
}

export async function findCurrentJob(db: Q, sessionId: string): Promise<MeetingJobRow | undefined> {
  return db
    .selectFrom('meeting_jobs')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where('operation', 'in', ['create', 'update'])
    .executeTakeFirst();
}

/** The current link is being thrown away: whatever was owed for it becomes its deletion. Returns whether one existed. */
export async function retireCurrentJob(db: Q, sessionId: string): Promise<boolean> {
  const res = await db
    .updateTable('meeting_jobs')
    .set({ operation: 'delete', version: sql`version + 1`, attempts: 0, run_at: sql`now()`, last_error: null })
    .where('session_id', '=', sessionId)
    .where('operation', 'in', ['create', 'update'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function addDeleteJob(db: Q, sessionId: string, provider: MeetingProvider, externalId: string) {
  await db.insertInto('meeting_jobs').values({ session_id: sessionId, operation: 'delete', provider, external_id: externalId }).execute();
}

/** Due, unclaimed jobs of sessions no worker is busy with. */
const unclaimedDue = sql`
  j.run_at <= now() AND (j.claimed_until IS NULL OR j.claimed_until < now())
  AND NOT EXISTS (SELECT 1 FROM meeting_jobs o WHERE o.session_id = j.session_id AND o.id <> j.id AND o.claimed_until >= now())`;

/**
 * Takes the oldest due job for `leaseMs`, skipping sessions another worker is busy with, so a session's create,
 * update and delete never reach the provider out of order. The session's other jobs are locked while checking, so two
 * nodes cannot claim two jobs of one session at the same moment.
 */
export async function claimDueJob(db: Q, leaseMs: number): Promise<MeetingJobRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string; session_id: string }>`
      SELECT j.id, j.session_id FROM meeting_jobs j WHERE ${unclaimedDue}
      ORDER BY j.run_at, j.created_at LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(trx);
    const candidate = rows[0];
    if (!candidate) return undefined;
    // No filter on the claim here: a row filtered out is not locked, and a claim committed meanwhile would be missed.
    const siblings = await trx
      .selectFrom('meeting_jobs')
      .select(sql<boolean>`claimed_until IS NOT NULL AND claimed_until >= now()`.as('busy'))
      .where('session_id', '=', candidate.session_id)
      .where('id', '<>', candidate.id)
      .forUpdate()
      .execute();
    if (siblings.some((row) => row.busy)) return undefined;
    return trx
      .updateTable('meeting_jobs')
      .set({ claimed_until: sql`now() + ${`${leaseMs} milliseconds`}::interval`, claim_token: randomUUID() })
      .where('id', '=', candidate.id)
      .returningAll()
      .executeTakeFirst();
  });
}

/**
 * Extends the worker's claim on a job it is still working on, while the claim is its own (its token); false when the
 * job is gone or another worker claimed it after the lease ran out, and the caller must stop.
 */
export async function renewLease(db: Q, job: MeetingJobRow, leaseMs: number): Promise<boolean> {
  if (!job.claim_token) return false;
  const res = await db
    .updateTable('meeting_jobs')
    .set({ claimed_until: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where('id', '=', job.id)
    .where('claim_token', '=', job.claim_token)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** In the transaction that records a job's outcome: the row is locked, and still claimed by this worker. */
export async function holdsClaim(db: Q, job: MeetingJobRow): Promise<boolean> {
  if (!job.claim_token) return false;
  const row = await db
    .selectFrom('meeting_jobs')
    .select('id')
    .where('id', '=', job.id)
    .where('claim_token', '=', job.claim_token)
    .forUpdate()
    .executeTakeFirst();
  return row !== undefined;
}

/** When the next job a worker could claim falls due, or undefined when there is none. */
export async function nextDueAt(db: Q): Promise<Date | undefined> {
  const { rows } = await sql<{ at: Date | string | null }>`
    SELECT min(j.run_at) AS at FROM meeting_jobs j
    WHERE (j.claimed_until IS NULL OR j.claimed_until < now())
      AND NOT EXISTS (SELECT 1 FROM meeting_jobs o WHERE o.session_id = j.session_id AND o.id <> j.id AND o.claimed_until >= now())`.execute(
    db,
  );
  const at = rows[0]?.at;
  return at ? new Date(at) : undefined;
}

/** Removes a finished job unless it was rewritten meanwhile; then only the claim is released. Returns the job as it is now. */
export async function finishJob(db: Q, job: MeetingJobRow): Promise<MeetingJobRow | undefined> {
  const deleted = await db.deleteFrom('meeting_jobs').where('id', '=', job.id).where('version', '=', job.version).executeTakeFirst();
  if (Number(deleted.numDeletedRows) > 0) return undefined;
  return releaseJob(db, job.id);
}

/**
 * Releases the claim; with `operation`, also turns the job into that operation to run now, but only while it is still
 * about `externalId` (a job rewritten for another link keeps what it was rewritten to).
 */
export async function releaseJob(db: Q, jobId: string, change?: { operation: MeetingJobOperation; externalId: string }) {
  const released = await db
    .updateTable('meeting_jobs')
    .set({ claimed_until: null, claim_token: null })
    .where('id', '=', jobId)
    .returningAll()
    .executeTakeFirst();
  if (!change || released?.external_id !== change.externalId) return released;
  return db
    .updateTable('meeting_jobs')
    .set({ operation: change.operation, run_at: sql`now()`, attempts: 0 })
    .where('id', '=', jobId)
    .returningAll()
    .executeTakeFirst();
}

/** Another attempt later, unless the job was rewritten meanwhile (then it runs as rewritten). */
export async function retryJobLater(db: Q, job: MeetingJobRow, runAt: Date, error: string) {
  await db
    .updateTable('meeting_jobs')
    .set({ attempts: sql`attempts + 1`, run_at: runAt, last_error: error, claimed_until: null })
    .where('id', '=', job.id)
    .where('version', '=', job.version)
    .execute();
  await releaseJob(db, job.id);
}

/** While a link is still pending, why its last attempt failed (for the mentor); no-op once it was replaced or settled. */
export async function notePendingAttempt(db: Q, sessionId: string, externalId: string, note: string) {
  await db
    .updateTable('live_sessions')
    .set({ meeting_error: note })
    .where('id', '=', sessionId)
    .where('meeting_external_id', '=', externalId)
    .where('meeting_status', '=', 'pending')
    .execute();
}

export async function rosterEmails(db: Q, courseId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('course_members')
    .innerJoin('users', 'users.id', 'course_members.user_id')
    .select('users.email')
    .where('course_members.course_id', '=', courseId)
    .where('users.email', 'is not', null)
    .execute();
  return rows.map((r) => r.email as string);
}

/** The states outstanding meeting jobs are in, for the metrics. */
export const MEETING_JOB_STATES = ['running', 'queued', 'retrying'] as const;

/**
 * Outstanding jobs by state: `running` (a worker holds its lease), `retrying` (failed at least once, waiting for its
 * next attempt), `queued` (not tried yet). The table holds only what is still owed, so this stays cheap.
 */
export async function countJobsByState(db: Q): Promise<Record<(typeof MEETING_JOB_STATES)[number], number>> {
  const { rows } = await sql<{ state: (typeof MEETING_JOB_STATES)[number]; n: string | number }>`
    SELECT CASE WHEN claimed_until >= now() THEN 'running' WHEN attempts > 0 THEN 'retrying' ELSE 'queued' END AS state,
           count(*) AS n
    FROM meeting_jobs GROUP BY 1`.execute(db);
  const counts = { running: 0, queued: 0, retrying: 0 };
  for (const row of rows) counts[row.state] = Number(row.n);
  return counts;
}
