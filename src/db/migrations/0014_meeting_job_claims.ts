import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * A meeting job's claim gets a token (issue 13 review): a worker renews its lease while a long Meet sync runs, and
 * renews or records an outcome only while the token is still its own. A lease that expired and was claimed by another
 * worker meanwhile carries that worker's token, so the first one stops instead of running the job a second time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(db, 'ALTER TABLE meeting_jobs ADD COLUMN claim_token uuid');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(db, 'ALTER TABLE meeting_jobs DROP COLUMN claim_token');
}
