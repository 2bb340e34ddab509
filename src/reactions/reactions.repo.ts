import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

/** Adds counts to a session's minute (one statement for every kind). */
export async function addReactionCounts(db: Kysely<Database>, sessionId: string, minute: Date, counts: Map<string, number>): Promise<void> {
  const rows = [...counts].map(([reaction, count]) => ({ session_id: sessionId, minute, reaction, count }));
  if (rows.length === 0) return;
  await db
    .insertInto('session_reaction_counts')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['session_id', 'minute', 'reaction']).doUpdateSet((eb) => ({
        count: eb('session_reaction_counts.count', '+', eb.ref('excluded.count')),
      })),
    )
    .execute();
}

export async function listReactionCounts(db: Kysely<Database>, sessionId: string) {
  return db
    .selectFrom('session_reaction_counts')
    .select(['minute', 'reaction', 'count'])
    .where('session_id', '=', sessionId)
    .orderBy('minute')
    .orderBy('reaction')
    .execute();
}
