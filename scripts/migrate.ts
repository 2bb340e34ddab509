/** `npm run migrate`: applies pending migrations to the configured database (DATABASE_URL, or PGlite in DATA_DIR). */
import { migrateToLatest, openDatabase } from '../src/db/kysely.ts';

const target = { databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR || './data' };
const { db, kind } = await openDatabase(target);
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied on ${kind}: ${applied.join(', ')}` : `Nothing to apply on ${kind}: up to date`);
} finally {
  await db.destroy();
}
