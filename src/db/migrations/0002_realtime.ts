import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * The real-time classroom: every event of a session in one ordered log (its `seq` allocated from
 * live_sessions.last_seq in the same transaction as the change it describes), anonymous questions without an author
 * row (only the audit log keeps who asked), and where an attendance segment came from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    CREATE TABLE session_events (
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      seq bigint NOT NULL CHECK (seq > 0),
      event text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (session_id, seq)
    );

    ALTER TABLE session_qa ALTER COLUMN user_id DROP NOT NULL;
    ALTER TABLE session_qa ADD CONSTRAINT session_qa_author_check CHECK (anonymous OR user_id IS NOT NULL);

    ALTER TABLE session_attendance ADD COLUMN via text NOT NULL DEFAULT 'rest' CHECK (via IN ('rest', 'socket'));
    CREATE INDEX session_attendance_open_socket_idx ON session_attendance (session_id) WHERE left_at IS NULL AND via = 'socket';

    ALTER TABLE session_polls ADD CONSTRAINT session_polls_options_count_check CHECK (jsonb_array_length(options) <= 10)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE session_polls DROP CONSTRAINT session_polls_options_count_check;
    DROP INDEX session_attendance_open_socket_idx;
    ALTER TABLE session_attendance DROP COLUMN via;
    ALTER TABLE session_qa DROP CONSTRAINT session_qa_author_check;
    DELETE FROM session_qa WHERE user_id IS NULL;
    ALTER TABLE session_qa ALTER COLUMN user_id SET NOT NULL;
    DROP TABLE session_events
  `,
  );
}
