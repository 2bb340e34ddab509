import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Polls done properly (issue 14): a poll may be prepared as a `draft` before class and launched later (so when it
 * opened is `opened_at`, no longer `created_at`); it may run on a timer (`duration_seconds`, `closes_at`), closed by
 * the server, on any node, at startup too, which the partial index finds cheaply; a `wordcloud` type takes short
 * words. Quiz leaderboards: students opt in (`quiz_players`), and whether the board is shown to the class is kept with
 * the owed-broadcast flag of its coalesced refresh (`quiz_leaderboards`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE session_polls DROP CONSTRAINT session_polls_type_check;
    ALTER TABLE session_polls ADD CONSTRAINT session_polls_type_check CHECK (type IN ('single', 'multiple', 'rating', 'text', 'wordcloud'));
    ALTER TABLE session_polls DROP CONSTRAINT session_polls_status_check;
    ALTER TABLE session_polls ADD CONSTRAINT session_polls_status_check CHECK (status IN ('draft', 'open', 'closed'));
    ALTER TABLE session_polls ADD COLUMN duration_seconds integer CHECK (duration_seconds BETWEEN 10 AND 3600);
    ALTER TABLE session_polls ADD COLUMN opened_at timestamptz;
    ALTER TABLE session_polls ADD COLUMN closes_at timestamptz;
    UPDATE session_polls SET opened_at = created_at;
    CREATE INDEX session_polls_closes_idx ON session_polls (closes_at) WHERE status = 'open' AND closes_at IS NOT NULL;
    CREATE TABLE quiz_players (
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      nickname text CHECK (length(nickname) BETWEEN 1 AND 24),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (session_id, user_id)
    );
    CREATE TABLE quiz_leaderboards (
      session_id uuid PRIMARY KEY REFERENCES live_sessions (id) ON DELETE CASCADE,
      shown boolean NOT NULL DEFAULT false,
      broadcast_pending boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX quiz_leaderboards_pending_idx ON quiz_leaderboards (session_id) WHERE broadcast_pending
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DROP TABLE quiz_leaderboards, quiz_players;
    DELETE FROM session_polls WHERE status = 'draft' OR type = 'wordcloud';
    DROP INDEX session_polls_closes_idx;
    ALTER TABLE session_polls DROP COLUMN closes_at;
    ALTER TABLE session_polls DROP COLUMN opened_at;
    ALTER TABLE session_polls DROP COLUMN duration_seconds;
    ALTER TABLE session_polls DROP CONSTRAINT session_polls_status_check;
    ALTER TABLE session_polls ADD CONSTRAINT session_polls_status_check CHECK (status IN ('open', 'closed'));
    ALTER TABLE session_polls DROP CONSTRAINT session_polls_type_check;
    ALTER TABLE session_polls ADD CONSTRAINT session_polls_type_check CHECK (type IN ('single', 'multiple', 'rating', 'text'))
  `,
  );
}
