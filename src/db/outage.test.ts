import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { AppError } from '../errors.ts';
import { dbTargets, freshDatabase, POSTGRES_URL } from '../test/harness.ts';
import { freePort } from '../test/nodes.ts';
import { openDatabase } from './kysely.ts';
import { createOutageLog, isDatabaseUnavailable } from './outage.ts';

/** The error a promise rejects with (the test fails if it resolves). */
async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('what counts as the database being unavailable, from what the drivers really throw', () => {
  test('a refused connection (nothing listening) is unavailable', async () => {
    const client = new pg.Client({ connectionString: `postgres://x@127.0.0.1:${await freePort()}/x` });
    assert.equal(isDatabaseUnavailable(await caught(client.connect())), true);
  });

  test('a pool that cannot hand out a connection in time is unavailable', async (t) => {
    if (!(await dbTargets('outage classification')).includes('postgres')) return t.skip('needs PostgreSQL');
    const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1, connectionTimeoutMillis: 200 });
    const held = await pool.connect();
    try {
      const err = await caught(pool.query('SELECT 1'));
      assert.match((err as Error).message, /timeout exceeded when trying to connect/);
      assert.equal(isDatabaseUnavailable(err), true);
    } finally {
      held.release();
      await pool.end();
    }
  });

  test('a connection the server terminates (admin shutdown, 57P01) is unavailable', async (t) => {
    if (!(await dbTargets('outage classification')).includes('postgres')) return t.skip('needs PostgreSQL');
    const victim = new pg.Client({ connectionString: POSTGRES_URL });
    const killer = new pg.Client({ connectionString: POSTGRES_URL });
    await Promise.all([victim.connect(), killer.connect()]);
    const errors: unknown[] = [];
    victim.on('error', (e) => errors.push(e));
    const pid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    // Only our own connection is terminated: the shared server is untouched.
    const pending = caught(victim.query('SELECT pg_sleep(5)'));
    await new Promise((r) => setTimeout(r, 100));
    await killer.query('SELECT pg_terminate_backend($1)', [pid]);
    errors.push(await pending);
    errors.push(await caught(victim.query('SELECT 1')));
    await killer.end();
    await victim.end().catch(() => {}); // already closed by the server
    assert.ok(
      errors.some((e) => (e as { code?: string }).code === '57P01'),
      JSON.stringify(errors.map(String)),
    );
    for (const e of errors) assert.equal(isDatabaseUnavailable(e), true, String(e));
  });

  for (const target of ['pglite', 'postgres'] as const) {
    test(`on ${target}: bad statements, constraint violations and statement timeouts are not an outage`, async (t) => {
      if (!(await dbTargets('outage classification')).includes(target)) return t.skip('needs PostgreSQL');
      const { db, drop } = await freshDatabase(target);
      try {
        assert.equal(isDatabaseUnavailable(await caught(sql`SELEC 1`.execute(db))), false);
        await sql`CREATE TABLE u (id int PRIMARY KEY)`.execute(db);
        await sql`INSERT INTO u VALUES (1)`.execute(db);
        assert.equal(isDatabaseUnavailable(await caught(sql`INSERT INTO u VALUES (1)`.execute(db))), false);
        if (target === 'postgres') {
          // PGlite has no statement timeout (it runs in this thread); on PostgreSQL a cancelled slow query is 57014.
          const timeout = db.transaction().execute(async (trx) => {
            await sql`SET LOCAL statement_timeout = 10`.execute(trx);
            await sql`SELECT pg_sleep(1)`.execute(trx);
          });
          assert.equal(isDatabaseUnavailable(await caught(timeout)), false);
        }
      } finally {
        await drop();
      }
      // A closed database is: the app is stopping, or the pool is gone.
      assert.equal(isDatabaseUnavailable(await caught(sql`SELECT 1`.execute(db))), true);
    });
  }

  test('plain errors and AppErrors are not an outage; one wrapped in a cause or an AggregateError is', () => {
    assert.equal(isDatabaseUnavailable(new Error('boom')), false);
    assert.equal(isDatabaseUnavailable(new AppError('INTERNAL', 'x')), false);
    assert.equal(isDatabaseUnavailable('ECONNREFUSED'), false);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.equal(isDatabaseUnavailable(new Error('write failed', { cause: refused })), true);
    assert.equal(isDatabaseUnavailable(new AggregateError([refused])), true);
    assert.equal(isDatabaseUnavailable(Object.assign(new Error('the database system is starting up'), { code: '57P03' })), true);
  });
});

describe('the outage log', () => {
  test('one error line when an episode starts and one warn line when it ends, with how many were refused', async () => {
    const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
    const at = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, msg, fields });
    const log = { error: at('error'), warn: at('warn'), info: at('info') } as unknown as FastifyBaseLogger;
    const { db } = await openDatabase({ dataDir: 'memory://' });
    const outage = createOutageLog(db, log, { probeMs: 20 });
    try {
      const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      assert.equal(outage.report(new Error('a bug')), false);
      for (let i = 0; i < 50; i++) assert.equal(outage.report(down), true);
      assert.deepEqual(
        lines.map((l) => l.level),
        ['error'],
      );
      // The probe finds the database answering and closes the episode without any request.
      for (let i = 0; i < 100 && lines.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        lines.map((l) => [l.level, l.msg]),
        [
          ['error', 'database unavailable: answering 503 SERVICE_UNAVAILABLE / UNAVAILABLE until it is back'],
          ['warn', 'database available again'],
        ],
      );
      assert.equal(lines[1]?.fields.refused, 50);
      outage.report(down);
      outage.recovered();
      assert.equal(lines.length, 4, 'a second episode is logged on its own');
    } finally {
      outage.stop();
      await db.destroy();
    }
  });
});
