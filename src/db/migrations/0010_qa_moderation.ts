import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Q&A moderation (issue 14, part 5).
 * - `live_sessions.review_questions`: new questions wait in the mentors' queue (`pending`) until approved; off by
 *   default, so existing classes behave as before.
 * - `session_qa.status` gains `pending` (waiting for review) and `rejected` (refused in review).
 * - `session_qa.asked_by`: who asked, anonymous questions included, so the asker can be told "your question", be
 *   refused an upvote of their own question, and see their own pending question. It is never presented to anyone
 *   else (`user_id` stays null for anonymous questions, and it is what names an author). Existing anonymous questions
 *   take it from their `qa.ask` audit entry, which was the only record of who asked.
 * - `session_qa.answering`: the one question a mentor is answering now, at most one per session (partial unique index).
 * - `course_moderation`: a course's blocked words, applied to chat messages and questions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE live_sessions ADD COLUMN review_questions boolean NOT NULL DEFAULT false;
    ALTER TABLE session_qa DROP CONSTRAINT session_qa_status_check;
    ALTER TABLE session_qa ADD CONSTRAINT session_qa_status_check
      CHECK (status IN ('pending', 'open', 'answered', 'dismissed', 'rejected'));
    ALTER TABLE session_qa ADD COLUMN asked_by text;
    UPDATE session_qa SET asked_by = user_id WHERE user_id IS NOT NULL;
    UPDATE session_qa q SET asked_by = a.actor_id FROM audit_log a
      WHERE q.asked_by IS NULL AND a.action = 'qa.ask' AND a.outcome = 'success' AND a.target_id = q.id::text;
    ALTER TABLE session_qa ADD COLUMN answering boolean NOT NULL DEFAULT false;
    CREATE UNIQUE INDEX session_qa_answering_idx ON session_qa (session_id) WHERE answering;
    CREATE INDEX session_qa_review_idx ON session_qa (session_id) WHERE status IN ('pending', 'dismissed', 'rejected');
    CREATE TABLE course_moderation (
      course_id text PRIMARY KEY CHECK (length(course_id) BETWEEN 1 AND 100),
      blocked_words jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(blocked_words) = 'array'),
      updated_by text REFERENCES users (id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DROP TABLE course_moderation;
    DROP INDEX session_qa_review_idx;
    DROP INDEX session_qa_answering_idx;
    ALTER TABLE session_qa DROP COLUMN answering;
    ALTER TABLE session_qa DROP COLUMN asked_by;
    UPDATE session_qa SET status = 'open' WHERE status = 'pending';
    UPDATE session_qa SET status = 'dismissed' WHERE status = 'rejected';
    ALTER TABLE session_qa DROP CONSTRAINT session_qa_status_check;
    ALTER TABLE session_qa ADD CONSTRAINT session_qa_status_check CHECK (status IN ('open', 'answered', 'dismissed'));
    ALTER TABLE live_sessions DROP COLUMN review_questions
  `,
  );
}
