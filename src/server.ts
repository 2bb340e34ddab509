import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.ts';
import { loadConfigOrExit } from './config.ts';
import { migrateToLatest, openDatabase } from './db/kysely.ts';
import { readOrCreateDemoSecret } from './demo/demo-secret.ts';
import { seedDemo } from './demo/demo.seed.ts';
import { releaseStartupMemory } from './startup-memory.ts';

/**
 * The process: config → database (migrated) → app → listen. SIGTERM/SIGINT (or a crash) close gracefully within
 * SHUTDOWN_TIMEOUT_MS: stop taking work, let taken work commit and be acked, tell sockets to reconnect, close the
 * database (which releases the PGlite data folder), exit 0. Past the deadline the process exits 1, saying so.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit(process.env, readOrCreateDemoSecret);
  const { db, kind } = await openDatabase(config);
  await migrateToLatest(db);
  if (config.demo) await seedDemo(db);
  const app = await buildApp(config, { db });
  app.addHook('onClose', async () => db.destroy());

  closeWithGrace(
    {
      delay: config.shutdownTimeoutMs,
      // SIGUSR2 is for diagnostics (the benchmarks' memory and stall probe), not a request to stop.
      skip: ['SIGUSR2'],
      logger: { error: (msg: unknown) => app.log.error(msg) },
      onTimeout: (delay) => app.log.error({ timeoutMs: delay }, 'graceful shutdown timed out (SHUTDOWN_TIMEOUT_MS); exiting anyway'),
    },
    async ({ signal, err }) => {
      if (err) app.log.error({ err }, 'closing after an unexpected error');
      app.log.info({ signal }, 'shutting down');
      await app.close();
      app.log.info('closed');
    },
  );

  releaseStartupMemory();
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
