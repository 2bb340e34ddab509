import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * A round's `breakout:updated` owed to its class (issue 15's scale). Student-driven changes (a room chosen, a late
 * joiner placed, a help request, a room's link settling) set the flag in their own transaction; one coalesced
 * broadcast says the round as it is then and clears it. At 5,000 students every update carries every room's members
 * to every socket: one per change would be a self-select rush of thousands. A crash leaves the flag set, and the next
 * start sends what was owed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE breakout_rounds ADD COLUMN broadcast_pending boolean NOT NULL DEFAULT false;
    CREATE INDEX breakout_rounds_pending_idx ON breakout_rounds (id) WHERE broadcast_pending
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(db, 'DROP INDEX breakout_rounds_pending_idx; ALTER TABLE breakout_rounds DROP COLUMN broadcast_pending');
}
