import type { Kysely } from 'kysely';
import { inBatches } from '../db/batches.ts';
import type { Database } from '../db/tables.ts';

type Q = Kysely<Database>;

/** A course that came from an LMS: its context (the services offered at the last launch) and its platform. */
export async function findLtiCourse(db: Q, courseId: string) {
  return db
    .selectFrom('lti_contexts as c')
    .innerJoin('lti_platforms as p', 'p.id', 'c.platform_id')
    .select([
      'c.platform_id',
      'c.context_id',
      'c.course_id',
      'c.nrps_url',
      'c.ags_lineitems_url',
      'c.ags_scopes',
      'c.roster_synced_at',
      'p.slug',
      'p.client_id',
      'p.token_url',
    ])
    .where('c.course_id', '=', courseId)
    .executeTakeFirst();
}
export type LtiCourse = NonNullable<Awaited<ReturnType<typeof findLtiCourse>>>;

/** Our user ids for LMS users already seen (a launch or an earlier sync recorded them), by `sub`. */
export async function knownLtiUsers(db: Q, platformId: string, subs: string[]): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  for (const batch of inBatches(subs)) {
    const rows = await db
      .selectFrom('lti_users')
      .select(['sub', 'user_id'])
      .where('platform_id', '=', platformId)
      .where('sub', 'in', batch)
      .execute();
    for (const row of rows) known.set(row.sub, row.user_id);
  }
  return known;
}

/** Records which LMS user each of our user ids is (AGS scores are posted under the LMS's `sub`). */
export async function recordLtiUsers(db: Q, platformId: string, users: { sub: string; userId: string }[]): Promise<void> {
  for (const batch of inBatches(users)) {
    await db
      .insertInto('lti_users')
      .values(batch.map((u) => ({ platform_id: platformId, sub: u.sub, user_id: u.userId, updated_at: new Date() })))
      .onConflict((oc) => oc.columns(['platform_id', 'sub']).doNothing())
      .execute();
  }
}

/**
 * Claims the launch-time sync of a course for every node at once: when the roster was not synced within `intervalMs`,
 * stamps `roster_synced_at` now and returns the stamp and the value it replaced (to put back if the sync fails);
 * undefined when a sync ran (or started) within the interval, or the course has no NRPS.
 */
export async function claimLaunchSync(db: Q, courseId: string, intervalMs: number) {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('lti_contexts')
      .select(['platform_id', 'context_id', 'nrps_url', 'roster_synced_at'])
      .where('course_id', '=', courseId)
      .forUpdate()
      .executeTakeFirst();
    const now = new Date();
    if (!row?.nrps_url) return undefined;
    if (row.roster_synced_at && now.getTime() - row.roster_synced_at.getTime() < intervalMs) return undefined;
    await markRosterSynced(trx, row.platform_id, row.context_id, now);
    return { stamp: now, previous: row.roster_synced_at };
  });
}

/** A failed launch-time sync gives its claim back (unless a sync has stamped the row since). */
export async function releaseLaunchSync(db: Q, courseId: string, claim: { stamp: Date; previous: Date | null }) {
  await db
    .updateTable('lti_contexts')
    .set({ roster_synced_at: claim.previous })
    .where('course_id', '=', courseId)
    .where('roster_synced_at', '=', claim.stamp)
    .execute();
}

/** When the context's roster was last synced (a launch skips a sync within the interval). */
export async function markRosterSynced(db: Q, platformId: string, contextId: string, at: Date): Promise<void> {
  await db
    .updateTable('lti_contexts')
    .set({ roster_synced_at: at })
    .where('platform_id', '=', platformId)
    .where('context_id', '=', contextId)
    .execute();
}
