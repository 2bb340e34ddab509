import { sql } from 'kysely';
import type { Claims } from '../auth/actor.ts';
import type { Database } from '../db/tables.ts';
import type { Kysely } from 'kysely';
import { inBatches } from '../db/batches.ts';

/**
 * Records many users in few statements (a join storm signs in thousands at once). One row per user: the last claims
 * given for a user win (PostgreSQL refuses to update one row twice in a statement).
 */
export async function upsertUsersFromClaims(db: Kysely<Database>, all: Claims[]): Promise<void> {
  const latest = new Map<string, Claims>();
  for (const c of all) {
    const earlier = latest.get(c.sub);
    // As if written one after another: a later token without email keeps the earlier one's.
    latest.set(c.sub, c.email === undefined && earlier?.email !== undefined ? { ...c, email: earlier.email } : c);
  }
  for (const batch of inBatches([...latest.values()])) {
    await db
      .insertInto('users')
      .values(batch.map((c) => ({ id: c.sub, name: c.name, email: c.email ?? null, role: c.role, updated_at: sql`now()` as never })))
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            // A token without email keeps the one the roster gave.
            email: sql`coalesce(${eb.ref('excluded.email')}, users.email)`,
            role: eb.ref('excluded.role'),
            updated_at: sql`now()` as never,
          }))
          .where(
            sql<boolean>`(users.name, users.email, users.role) IS DISTINCT FROM (excluded.name, coalesce(excluded.email, users.email), excluded.role)`,
          ),
      )
      .execute();
  }
}

/**
 * Makes sure roster users exist. A roster name or email fills in what we know about people who have not signed in
 * yet; once they have, their token's claims (refreshed on every change) are what they are called.
 */
export async function ensureRosterUsers(db: Kysely<Database>, users: { id: string; name?: string; email?: string }[]): Promise<void> {
  const row = (u: (typeof users)[number]) => ({
    id: u.id,
    name: u.name ?? u.id,
    email: u.email ?? null,
    role: null,
    updated_at: new Date(),
  });
  // Rows without a name must not overwrite one, so they go in statements of their own.
  const named = users.filter((u) => u.name !== undefined);
  const unnamed = users.filter((u) => u.name === undefined);
  for (const batch of inBatches(named)) {
    await db
      .insertInto('users')
      .values(batch.map(row))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          name: sql`CASE WHEN users.role IS NULL THEN ${eb.ref('excluded.name')} ELSE users.name END`,
          email: sql`coalesce(${eb.ref('excluded.email')}, users.email)`,
        })),
      )
      .execute();
  }
  for (const batch of inBatches(unnamed)) {
    await db
      .insertInto('users')
      .values(batch.map(row))
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ email: sql`coalesce(${eb.ref('excluded.email')}, users.email)` })))
      .execute();
  }
}
