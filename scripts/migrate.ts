/** `npm run migrate`: applies pending migrations to the configured database (DATABASE_URL, or PGlite in DATA_DIR). */
import { loadConfigOrExit } from '../src/config.ts';
import { migrateToLatest, openDatabase } from '../src/db/kysely.ts';
import { readOrCreateDemoSecret } from '../src/demo/demo-secret.ts';

const config = loadConfigOrExit(process.env, readOrCreateDemoSecret);
const { db, kind } = await openDatabase(config);
try {
  const applied = await migrateToLatest(db);
  console.log(applied.length ? `Applied on ${kind}: ${applied.join(', ')}` : `Nothing to apply on ${kind}: up to date`);
} finally {
  await db.destroy();
}
