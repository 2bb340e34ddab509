import { buildApp } from './app.ts';
import { loadConfigOrExit } from './config.ts';
import { migrateToLatest, openDatabase } from './db/kysely.ts';
import { readOrCreateDemoSecret } from './demo/demo-secret.ts';
import { seedDemo } from './demo/demo.seed.ts';

/** The process: config → database (migrated) → app → listen; SIGTERM/SIGINT close gracefully. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env, readOrCreateDemoSecret);
  const { db, kind } = await openDatabase(config);
  await migrateToLatest(db);
  if (config.demo) await seedDemo(db);
  const app = await buildApp(config, { db });
  app.addHook('onClose', async () => db.destroy());

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void close('SIGTERM'));
  process.on('SIGINT', () => void close('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    { database: kind, demo: config.demo, auth: config.auth.kind },
    config.demo
      ? `Demo mode: sign in at POST /api/demo/sign-in (users at GET /api/demo/users); API docs at /docs`
      : 'Ready; API docs at /docs',
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
