import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Updateable } from 'kysely';
import { inBatches } from '../db/batches.ts';
import type { Database, LtiAttendanceGrade, LtiGradePublicationRow, LtiGradePublicationsTable } from '../db/tables.ts';

type Q = Kysely<Database>;

/** A course's grade setting, or undefined while it has the defaults (nothing published). */
export async function findGradeSettings(db: Q, courseId: string) {
  return db.selectFrom('lti_grade_settings').selectAll().where('course_id', '=', courseId).executeTakeFirst();
}

/** Replaces a course's grade setting (PUT semantics). */
export async function upsertGradeSettings(
  db: Q,
  courseId: string,
  s: { attendance: LtiAttendanceGrade; quizzes: boolean },
  userId: string,
) {
  const now = new Date();
  return db
    .insertInto('lti_grade_settings')
    .values({ course_id: courseId, ...s, updated_by: userId, updated_at: now })
    .onConflict((oc) => oc.column('course_id').doUpdateSet({ ...s, updated_by: userId, updated_at: now }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Owed publications, written with the class end; a class already owing one of a kind keeps it. */
export async function enqueuePublications(
  db: Q,
  rows: Pick<LtiGradePublicationsTable, 'session_id' | 'course_id' | 'kind' | 'mode'>[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await db
    .insertInto('lti_grade_publications')
    .values(rows)
    .onConflict((oc) => oc.columns(['session_id', 'kind']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0);
}

/** A class's publications, by kind. */
export async function listPublications(db: Q, sessionId: string): Promise<LtiGradePublicationRow[]> {
  return db.selectFrom('lti_grade_publications').selectAll().where('session_id', '=', sessionId).orderBy('kind').execute();
}

/** The publication states of these classes (a course report's). */
export async function listPublicationStates(db: Q, sessionIds: string[]) {
  const rows: Pick<LtiGradePublicationRow, 'session_id' | 'status'>[] = [];
  for (const batch of inBatches(sessionIds)) {
    rows.push(
      ...(await db.selectFrom('lti_grade_publications').select(['session_id', 'status']).where('session_id', 'in', batch).execute()),
    );
  }
  return rows;
}

const due = sql<boolean>`status = 'pending' AND run_at <= now() AND (claimed_until IS NULL OR claimed_until < now())`;

/** Claims the next due publication for `leaseMs`, or undefined; other workers skip the row while it is locked. */
export async function claimDuePublication(db: Q, leaseMs: number): Promise<LtiGradePublicationRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM lti_grade_publications WHERE ${due} ORDER BY run_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(trx);
    const id = rows[0]?.id;
    if (!id) return undefined;
    return trx
      .updateTable('lti_grade_publications')
      .set({ claimed_until: sql`now() + ${`${leaseMs} milliseconds`}::interval`, claim_token: randomUUID() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  });
}

/** Extends this worker's claim; false once the claim is someone else's (its lease ran out and it was taken). */
export async function renewClaim(db: Q, pub: LtiGradePublicationRow, leaseMs: number): Promise<boolean> {
  const res = await db
    .updateTable('lti_grade_publications')
    .set({ claimed_until: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where('id', '=', pub.id)
    .where('claim_token', '=', pub.claim_token)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

type Outcome = Pick<
  Updateable<LtiGradePublicationsTable>,
  'status' | 'attempts' | 'run_at' | 'last_error' | 'line_item_url' | 'scores_sent' | 'scores_refused' | 'sent_at'
>;

/** Records an outcome while the claim is still this worker's; releases the claim. False when it was not. */
export async function settlePublication(db: Q, pub: LtiGradePublicationRow, outcome: Outcome, release = true): Promise<boolean> {
  const res = await db
    .updateTable('lti_grade_publications')
    .set({ ...outcome, updated_at: new Date(), ...(release ? { claimed_until: null, claim_token: null } : {}) })
    .where('id', '=', pub.id)
    .where('claim_token', '=', pub.claim_token)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** A failed class's publications owed again, from the first attempt. Returns how many. */
export async function requeueFailed(db: Q, sessionId: string): Promise<number> {
  const res = await db
    .updateTable('lti_grade_publications')
    .set({ status: 'pending', attempts: 0, run_at: sql`now()`, updated_at: new Date() })
    .where('session_id', '=', sessionId)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** When the next pending publication falls due, or undefined when none is owed. */
export async function nextDueAt(db: Q): Promise<Date | undefined> {
  const row = await db
    .selectFrom('lti_grade_publications')
    .select(sql<Date | string | null>`min(greatest(run_at, coalesce(claimed_until, run_at)))`.as('at'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : undefined;
}

/** Our user ids → the LMS's `sub` on this platform, for the students being graded. */
export async function subsOf(db: Q, platformId: string, userIds: string[]): Promise<Map<string, string>> {
  const subs = new Map<string, string>();
  for (const batch of inBatches(userIds)) {
    const rows = await db
      .selectFrom('lti_users')
      .select(['sub', 'user_id'])
      .where('platform_id', '=', platformId)
      .where('user_id', 'in', batch)
      .execute();
    for (const row of rows) subs.set(row.user_id, row.sub);
  }
  return subs;
}
