/**
 * Test harness: an app on a fresh database (in-memory PGlite, or a throwaway database on the real PostgreSQL),
 * token minting, and factories. Suites that touch the data layer run once per target from `dbTargets()`.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../app.ts';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import { type Config, loadConfig } from '../config.ts';
import { type Db, migrateToLatest, openDatabase } from '../db/kysely.ts';
import { readOrCreateDemoSecret } from '../demo/demo-secret.ts';
import type { LtiOptions } from '../lti/lti.ts';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';
export const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

export type DbTarget = 'pglite' | 'postgres';

let postgresReachable: Promise<boolean> | undefined;

async function probePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The databases a data-layer suite runs against. PostgreSQL is required on CI (CI=true): unreachable there is a
 * failure. A developer without it gets PGlite only and a loud warning naming what was skipped.
 */
export async function dbTargets(suite: string): Promise<DbTarget[]> {
  postgresReachable ??= probePostgres();
  if (await postgresReachable) return ['pglite', 'postgres'];
  if (process.env.CI) throw new Error(`PostgreSQL at ${POSTGRES_URL} is unreachable; CI requires it (${suite})`);
  console.warn(`\n!!! SKIPPED: ${suite} against PostgreSQL — ${POSTGRES_URL} is unreachable. PGlite only.\n`);
  return ['pglite'];
}

/** A fresh, migrated database; on PostgreSQL a throwaway database dropped by `drop()`. */
export async function freshDatabase(target: DbTarget): Promise<{ db: Db; drop: () => Promise<void>; url?: string }> {
  if (target === 'pglite') {
    const { db } = await openDatabase({ dataDir: 'memory://' });
    await migrateToLatest(db);
    return { db, drop: () => db.destroy() };
  }
  const name = `spl_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  const { db } = await openDatabase({ databaseUrl: url.toString(), dataDir: '' });
  await migrateToLatest(db);
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.destroy();
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      NODE_ENV: 'test',
      JWT_SECRET: TEST_SECRET,
      DATA_DIR: 'memory://',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_MAX: '100000',
      ...env,
    },
    readOrCreateDemoSecret,
  );
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  /** Signs a valid token for these claims with the test secret. */
  token: (claims: Partial<Claims> & { sub: string }, opts?: { ttlSeconds?: number }) => Promise<string>;
  /** `app.inject` with a bearer token and a JSON body. */
  request: (opts: { method: InjectOptions['method']; url: string; token?: string; body?: unknown }) => Promise<LightMyRequestResponse>;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  /** The database the app is given, made from the test's own (which `TestApp.db` stays): e.g. `dbHooks`. */
  wrapDb?: (db: Db) => Db;
  /** The LTI tool's hooks and knobs (see src/lti/lti.ts). */
  lti?: LtiOptions;
}

export async function makeTestApp(
  target: DbTarget = 'pglite',
  env: Record<string, string> = {},
  opts: TestAppOptions = {},
): Promise<TestApp> {
  const { db, drop } = await freshDatabase(target);
  const config = testConfig(env);
  const app = await buildApp(config, { db: opts.wrapDb?.(db) ?? db, logger: false, lti: opts.lti });
  await app.ready();
  const token: TestApp['token'] = (claims, opts) =>
    signToken(
      new TextEncoder().encode(TEST_SECRET),
      { name: claims.name ?? claims.sub, role: claims.role ?? 'student', ...claims } as Claims,
      { ttlSeconds: opts?.ttlSeconds, issuer: config.auth.issuer, audience: config.auth.audience },
    );
  return {
    app,
    db,
    token,
    request: ({ method, url, token: bearer, body }) =>
      app.inject({
        method,
        url,
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
        ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}),
      }),
    close: async () => {
      await app.close();
      await drop();
    },
  };
}

/** A course with one mentor and two students, and tokens for everyone a permission test needs. */
export async function makeCourse(t: TestApp, courseId = 'course-1') {
  const admin = await t.token({ sub: 'lms', role: 'admin', name: 'LMS' });
  const res = await t.request({
    method: 'PUT',
    url: `/api/courses/${courseId}/members`,
    token: admin,
    body: {
      members: [
        { userId: `${courseId}-mentor`, name: 'Mia Mentor', role: 'mentor' },
        { userId: `${courseId}-s1`, name: 'Sam Student', role: 'student' },
        { userId: `${courseId}-s2`, name: 'Sky Student', role: 'student' },
      ],
    },
  });
  if (res.statusCode !== 200) throw new Error(`roster setup failed: ${res.body}`);
  return {
    courseId,
    admin,
    mentor: await t.token({ sub: `${courseId}-mentor`, role: 'mentor', name: 'Mia Mentor' }),
    student: await t.token({ sub: `${courseId}-s1`, role: 'student', name: 'Sam Student' }),
    student2: await t.token({ sub: `${courseId}-s2`, role: 'student', name: 'Sky Student' }),
    /** On the roster as mentor, but the token says student: may view, may not manage. */
    mentorWithStudentToken: await t.token({ sub: `${courseId}-mentor`, role: 'student', name: 'Mia Mentor' }),
  };
}

/** Schedules a session through the API (as the given mentor) and returns its body. */
export async function makeSession(t: TestApp, mentor: string, courseId: string, overrides: Record<string, unknown> = {}) {
  const res = await t.request({
    method: 'POST',
    url: '/api/live-sessions',
    token: mentor,
    body: {
      courseId,
      title: 'Graph algorithms',
      scheduledStart: new Date(Date.now() + 3600_000).toISOString(),
      durationMinutes: 60,
      ...overrides,
    },
  });
  if (res.statusCode !== 201) throw new Error(`session setup failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; status: string; courseId: string; meeting: { url: string | null } };
}

/** Counts audit rows matching a filter, straight from the table. */
export async function auditRows(db: Db, where: { action?: string; outcome?: string; actorId?: string }) {
  let q = db.selectFrom('audit_log').selectAll();
  if (where.action) q = q.where('action', '=', where.action);
  if (where.outcome) q = q.where('outcome', '=', where.outcome as 'success');
  if (where.actorId) q = q.where('actor_id', '=', where.actorId);
  return q.orderBy('id').execute();
}

export type Course = Awaited<ReturnType<typeof makeCourse>>;

/** The usual fixture for permission tests: an app with `course-1` and `course-2`, each with its own people. */
export async function makeTwoCourseApp(
  target: DbTarget,
  env: Record<string, string> = {},
  opts: TestAppOptions = {},
): Promise<{ t: TestApp; c: Course; other: Course }> {
  const t = await makeTestApp(target, env, opts);
  return { t, c: await makeCourse(t, 'course-1'), other: await makeCourse(t, 'course-2') };
}
