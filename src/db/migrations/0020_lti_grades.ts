import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * LTI Assignment and Grade Services (issue 16): grades published to the LMS after each class.
 * - `lti_grade_settings`: per course, what is published: the attendance (`percent` of the class, or the `status` as
 *   attended or not, or `off`) and the quiz scores. No row: nothing is published.
 * - `lti_grade_publications`: what is owed to the LMS, one row per class and kind (`attendance`, `quiz`), written in
 *   the transaction that ends the class, so a crash cannot lose it. A worker claims due rows with a lease
 *   (`claimed_until`, `claim_token`, as meeting_jobs do), posts the scores and records `sent`, or retries with backoff
 *   (`attempts`, `run_at`, `last_error`) until it gives up: `failed`. `mode` is the setting at class end, so a later
 *   change of the setting does not rewrite what a finished class owes. `line_item_url` is kept once known, so a retry
 *   posts to the same line item.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    CREATE TABLE lti_grade_settings (
      course_id text PRIMARY KEY CHECK (length(course_id) BETWEEN 1 AND 100),
      attendance text NOT NULL DEFAULT 'off' CHECK (attendance IN ('off', 'percent', 'status')),
      quizzes boolean NOT NULL DEFAULT false,
      updated_by text,
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE lti_grade_publications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      course_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('attendance', 'quiz')),
      mode text NOT NULL CHECK (mode IN ('percent', 'status', 'score')),
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      run_at timestamptz NOT NULL DEFAULT now(),
      claimed_until timestamptz,
      claim_token uuid,
      last_error text,
      line_item_url text,
      scores_sent integer,
      sent_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (session_id, kind)
    );
    CREATE INDEX lti_grade_publications_due_idx ON lti_grade_publications (run_at) WHERE status = 'pending'
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DROP TABLE lti_grade_publications;
    DROP TABLE lti_grade_settings
  `,
  );
}
