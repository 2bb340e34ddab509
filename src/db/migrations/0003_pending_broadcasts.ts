import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Coalesced broadcasts (poll tallies, upvote counts) go out a moment after the writes they describe. These flags are
 * set in the writing transaction and cleared in the one that appends the broadcast, so a crash in between is
 * repaired at the next start instead of leaving clients with stale counts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE session_polls ADD COLUMN broadcast_pending boolean NOT NULL DEFAULT false;
    ALTER TABLE session_qa ADD COLUMN broadcast_pending boolean NOT NULL DEFAULT false;
    CREATE INDEX session_polls_pending_idx ON session_polls (id) WHERE broadcast_pending;
    CREATE INDEX session_qa_pending_idx ON session_qa (id) WHERE broadcast_pending
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE session_polls DROP COLUMN broadcast_pending;
    ALTER TABLE session_qa DROP COLUMN broadcast_pending
  `,
  );
}
