import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { migrationProvider } from './migrations/index.ts';
import { createPGliteFolder } from './pglite-initdb.ts';
import { pgliteOptions } from './pglite-options.ts';
import type { Database } from './tables.ts';

export type Db = Kysely<Database>;

/** Connections of a database's pool now; PGlite has one, so only `total`. */
export type PoolStats = { total: number; idle?: number; waiting?: number };
/** Kysely does not expose its pool: the metrics read it here, by database. */
const pools = new WeakMap<Db, () => PoolStats>();
export const poolStats = (db: Db): PoolStats | undefined => pools.get(db)?.();

export interface DatabaseTarget {
  /** PostgreSQL connection string; when absent, PGlite in `dataDir` (or in memory for `memory://`). */
  databaseUrl?: string;
  dataDir: string;
}

/** Opens Kysely over PostgreSQL (DATABASE_URL) or embedded PGlite. One SQL dialect either way. */
export async function openDatabase(target: DatabaseTarget): Promise<{ db: Db; kind: 'postgres' | 'pglite' }> {
  if (target.databaseUrl) {
    // A bounded connect wait, so an unreachable database fails requests (and /healthz) instead of hanging them.
    const pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: 10,
      connectionTimeoutMillis: 5000,
      // No request waits forever on a stuck lock or a half-open connection.
      statement_timeout: 15_000,
      lock_timeout: 10_000,
      query_timeout: 20_000,
      idle_in_transaction_session_timeout: 60_000,
    });
    // An idle client's network error must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    pools.set(db, () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
    return { db, kind: 'postgres' };
  }
  if (target.dataDir.startsWith('memory://')) return { db: await openPGlite(target.dataDir), kind: 'pglite' };
  const dir = resolve(target.dataDir, 'pglite');
  const unlock = await lockDataDir(dir);
  try {
    await createPGliteFolder(dir);
    const db = await openPGlite(dir);
    return { db: withRelease(db, unlock), kind: 'pglite' };
  } catch (err) {
    await unlock();
    throw err;
  }
}

async function openPGlite(dir: string): Promise<Db> {
  const client = new PGlite(dir, pgliteOptions());
  await client.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  pools.set(db, () => ({ total: 1 }));
  return db;
}

/** Releases the folder lock once the database has closed. */
function withRelease(db: Db, release: () => Promise<void>): Db {
  const destroy = db.destroy.bind(db);
  db.destroy = async () => {
    try {
      await destroy();
    } finally {
      await release();
    }
  };
  return db;
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Migration failed${name}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
