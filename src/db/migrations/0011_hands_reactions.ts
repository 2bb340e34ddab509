import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Hands, reactions and the mentor's announcement (issue 14, parts 6 and 7).
 * - `session_hands`: who has a hand up in a class, and since when (the queue is ordered by it). One row per person and
 *   class: raising again keeps the original place. Rows are deleted when the hand is lowered, when the class ends and
 *   when the person leaves the course roster.
 * - `live_sessions.hands_broadcast_pending`: the queue changed and its `hand:queue` is not in the log yet (the owed
 *   broadcast pattern, as `session_qa.broadcast_pending`), so a crash between a raise and its broadcast loses nothing.
 * - `session_reaction_counts`: reactions per class, minute and kind (counts only, never who sent them), for the
 *   report's engagement. Written once per coalesced burst (at most about once a second per class and node), not per
 *   click.
 * - `live_sessions.announcement` / `announcement_at`: the mentor's pinned announcement, part of the session's state.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    CREATE TABLE session_hands (
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      raised_at timestamptz NOT NULL,
      PRIMARY KEY (session_id, user_id)
    );
    CREATE INDEX session_hands_queue_idx ON session_hands (session_id, raised_at, user_id);
    CREATE INDEX session_hands_user_idx ON session_hands (user_id);
    ALTER TABLE live_sessions ADD COLUMN hands_broadcast_pending boolean NOT NULL DEFAULT false;

    CREATE TABLE session_reaction_counts (
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      minute timestamptz NOT NULL,
      reaction text NOT NULL CHECK (length(reaction) BETWEEN 1 AND 20),
      count integer NOT NULL CHECK (count > 0),
      PRIMARY KEY (session_id, minute, reaction)
    );

    ALTER TABLE live_sessions ADD COLUMN announcement text CHECK (length(announcement) BETWEEN 1 AND 500);
    ALTER TABLE live_sessions ADD COLUMN announcement_at timestamptz
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE live_sessions DROP COLUMN announcement_at;
    ALTER TABLE live_sessions DROP COLUMN announcement;
    DROP TABLE session_reaction_counts;
    ALTER TABLE live_sessions DROP COLUMN hands_broadcast_pending;
    DROP TABLE session_hands
  `,
  );
}
