import { type Kysely, sql } from 'kysely';

/**
 * Runs a static DDL script one statement at a time: PGlite's extended-protocol `query` accepts one statement per
 * call. Scripts are our own constants, so splitting on a semicolon at a line end is exact.
 */
export async function executeDdl(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
