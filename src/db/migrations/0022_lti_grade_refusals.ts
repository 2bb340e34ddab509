import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * LTI grades: scores the LMS refused for one student alone (400, 404, 409, 422: a student unenrolled since the class,
 * say) are skipped, not a reason to fail the whole class's publication. `scores_refused` counts them once sent, beside
 * `scores_sent`, so the mentor sees who was not graded. Null before the publication is sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(db, 'ALTER TABLE lti_grade_publications ADD COLUMN scores_refused integer');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(db, 'ALTER TABLE lti_grade_publications DROP COLUMN scores_refused');
}
