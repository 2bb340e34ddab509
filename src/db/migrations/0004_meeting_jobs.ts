import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Meeting links from remote providers (Google Calendar) are made after the session is saved, with retries. What is
 * still owed to a provider is a row here, written in the same transaction as the change that owes it, so a restart
 * picks it up. A session has at most one job for its current link (create, then update, or delete on cancel) and any
 * number of deletions of links it replaced. `claimed_until` lets one worker at a time own a session's jobs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE live_sessions ADD COLUMN meeting_external_id text;
    ALTER TABLE live_sessions ADD CONSTRAINT live_sessions_meeting_provider_check
      CHECK (meeting_provider IN ('google', 'jitsi', 'manual'));
    CREATE TABLE meeting_jobs (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      operation text NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
      provider text NOT NULL CHECK (provider IN ('google', 'jitsi', 'manual')),
      external_id text NOT NULL,
      version integer NOT NULL DEFAULT 1,
      attempts integer NOT NULL DEFAULT 0,
      run_at timestamptz NOT NULL DEFAULT now(),
      claimed_until timestamptz,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX meeting_jobs_current_idx ON meeting_jobs (session_id) WHERE operation <> 'delete';
    CREATE INDEX meeting_jobs_due_idx ON meeting_jobs (run_at)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DROP TABLE meeting_jobs;
    ALTER TABLE live_sessions DROP CONSTRAINT live_sessions_meeting_provider_check;
    ALTER TABLE live_sessions DROP COLUMN meeting_external_id
  `,
  );
}
