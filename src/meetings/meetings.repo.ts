import { type Kysely, sql } from 'kysely';
import type { Database, MeetingJobOperation, MeetingJobRow, MeetingProvider } from '../db/tables.ts';

type Q = Kysely<Database>;

/**
 * Makes `operation` the session's current job for `externalId`: a new row, or the existing one rewritten with a new
 * version, so a worker finishing an older version can tell that more is owed.
 */
export async function setCurrentJob(db: Q, sessionId: string, operation: MeetingJobOperation, provider: MeetingProvider, externalId: string) {
  await db
    .insertInto('meeting_jobs')
    .values({ session_id: sessionId, operation, provider, external_id: externalId })
    .onConflict((oc) =>
      oc
        .column('session_id')
        .where('operation', '<>', 'delete')
        .doUpdateSet({
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

export async function findCurrentJob(db: Q, sessionId: string): Promise<MeetingJobRow | undefined> {
  return db.selectFrom('meeting_jobs').selectAll().where('session_id', '=', sessionId).where('operation', '<>', 'delete').executeTakeFirst();
}

/** The current link is being thrown away: whatever was owed for it becomes its deletion. Returns whether one existed. */
export async function retireCurrentJob(db: Q, sessionId: string): Promise<boolean> {
  const res = await db
    .updateTable('meeting_jobs')
    .set({ operation: 'delete', version: sql`version + 1`, attempts: 0, run_at: sql`now()`, last_error: null })
    .where('session_id', '=', sessionId)
    .where('operation', '<>', 'delete')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function addDeleteJob(db: Q, sessionId: string, provider: MeetingProvider, externalId: string) {
  await db.insertInto('meeting_jobs').values({ session_id: sessionId, operation: 'delete', provider, external_id: externalId }).execute();
}

/**
 * Takes the oldest due job for `leaseMs`, skipping sessions another worker is busy with, so a session's create,
 * update and delete never reach the provider out of order.
 */
export async function claimDueJob(db: Q, leaseMs: number): Promise<MeetingJobRow | undefined> {
  const { rows } = await sql<MeetingJobRow>`
    UPDATE meeting_jobs SET claimed_until = now() + ${`${leaseMs} milliseconds`}::interval
    WHERE id = (
      SELECT j.id FROM meeting_jobs j
      WHERE j.run_at <= now() AND (j.claimed_until IS NULL OR j.claimed_until < now())
        AND NOT EXISTS (
          SELECT 1 FROM meeting_jobs o WHERE o.session_id = j.session_id AND o.id <> j.id AND o.claimed_until >= now()
        )
      ORDER BY j.run_at, j.created_at
      LIMIT 1
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`.execute(db);
  return rows[0];
}

/** When the next job falls due (unclaimed ones only), or undefined when nothing is owed. */
export async function nextDueAt(db: Q): Promise<Date | undefined> {
  const row = await db
    .selectFrom('meeting_jobs')
    .select((eb) => eb.fn.min('run_at').as('at'))
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', sql<Date>`now()`)]))
    .executeTakeFirst();
  return row?.at ? new Date(row.at as Date | string) : undefined;
}

/** Removes a finished job unless it was rewritten meanwhile; then only the claim is released. Returns the job as it is now. */
export async function finishJob(db: Q, job: MeetingJobRow): Promise<MeetingJobRow | undefined> {
  const deleted = await db.deleteFrom('meeting_jobs').where('id', '=', job.id).where('version', '=', job.version).executeTakeFirst();
  if (Number(deleted.numDeletedRows) > 0) return undefined;
  return releaseJob(db, job.id);
}

export async function releaseJob(db: Q, jobId: string, changes: { operation?: MeetingJobOperation } = {}) {
  return db
    .updateTable('meeting_jobs')
    .set({ claimed_until: null, ...changes, ...(changes.operation && { run_at: sql`now()`, attempts: 0 }) })
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

export async function lockSessionRow(db: Q, sessionId: string) {
  return db.selectFrom('live_sessions').selectAll().where('id', '=', sessionId).forUpdate().executeTakeFirst();
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
