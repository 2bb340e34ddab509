import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Reading a Google Meet's attendance after the class (issue 13) is owed to Google like a link is, so it rides the
 * same durable, leased, retried queue: `meeting_jobs` gains the operation `sync`. A session's current link job
 * (create or update) and its sync job are separate rows, each at most one per session; deletions stay unlimited.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE meeting_jobs DROP CONSTRAINT meeting_jobs_operation_check;
    ALTER TABLE meeting_jobs ADD CONSTRAINT meeting_jobs_operation_check CHECK (operation IN ('create', 'update', 'delete', 'sync'));
    DROP INDEX meeting_jobs_current_idx;
    CREATE UNIQUE INDEX meeting_jobs_current_idx ON meeting_jobs (session_id) WHERE operation IN ('create', 'update');
    CREATE UNIQUE INDEX meeting_jobs_sync_idx ON meeting_jobs (session_id) WHERE operation = 'sync'
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DELETE FROM meeting_jobs WHERE operation = 'sync';
    DROP INDEX meeting_jobs_sync_idx;
    DROP INDEX meeting_jobs_current_idx;
    CREATE UNIQUE INDEX meeting_jobs_current_idx ON meeting_jobs (session_id) WHERE operation <> 'delete';
    ALTER TABLE meeting_jobs DROP CONSTRAINT meeting_jobs_operation_check;
    ALTER TABLE meeting_jobs ADD CONSTRAINT meeting_jobs_operation_check CHECK (operation IN ('create', 'update', 'delete'))
  `,
  );
}
