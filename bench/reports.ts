/**
 * Benchmark 6, reports: how long a mentor waits for the session report of a 5,000-student class (3 room segments each,
 * 2,000 messages, 20 polls answered by 80%, 200 questions, 4,000 upvotes) and for the course report over 30 classes
 * of 300 students, on embedded PGlite (a folder on disk, as `npm start` uses) and on PostgreSQL. Each database also
 * holds nine more classes as large in another course, so a query that scans other sessions' rows shows up.
 * Measured over a real HTTP connection to the last byte (access check, queries, computing, JSON or CSV, sending),
 * median of --runs after one warm-up. On PostgreSQL it also reports every sequential scan the reports caused on a large table.
 * Usage: node bench/reports.ts [--runs 5] [--kinds pglite,postgres]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { signToken } from '../src/auth/tokens.ts';
import { loadConfig } from '../src/config.ts';
import { type Db, migrateToLatest, openDatabase } from '../src/db/kysely.ts';
import { readOrCreateDemoSecret } from '../src/demo/demo-secret.ts';
import { type ClassShape, seedClass, seedRoster, seedUsers } from './lib/report-seed.ts';
import { median } from './lib/stats.ts';
import { BENCH_SECRET, createThrowawayDatabase } from './lib/targets.ts';

const BIG: ClassShape = { students: 5000, segmentsEach: 3, messages: 2000, polls: 20, questions: 200, upvotes: 4000, answerRate: 0.8 };
/** Classes as large in another course: the measured class is a tenth of every table, as in a database with history. */
const OTHER_CLASSES = 9;
const COURSE_CLASS: ClassShape = { students: 300, segmentsEach: 2, messages: 100, polls: 3, questions: 10, upvotes: 50, answerRate: 0.8 };
const LARGE_TABLES = [
  'session_attendance',
  'session_chat',
  'session_qa',
  'qa_upvotes',
  'session_polls',
  'poll_responses',
  'meeting_opens',
  'course_members',
];

interface Seeded {
  bigSessionId: string;
  courseId: string;
}

async function seed(db: Db): Promise<Seeded> {
  await seedUsers(db, BIG.students);
  await seedRoster(db, 'big-course', BIG.students);
  await seedRoster(db, 'other-course', BIG.students);
  const day = (d: number) => new Date(Date.UTC(2026, 10, 1 + d, 9));
  const bigSessionId = await seedClass(db, 'big-course', 'Week 12: Graph algorithms', day(0), BIG);
  for (let d = 1; d <= OTHER_CLASSES; d++) await seedClass(db, 'other-course', `Other class ${d}`, day(d), BIG);
  await seedRoster(db, 'course-30', COURSE_CLASS.students);
  for (let i = 0; i < 30; i++) await seedClass(db, 'course-30', `Lecture ${i + 1}`, day(i), COURSE_CLASS);
  return { bigSessionId, courseId: 'course-30' };
}

async function seqScans(url: string): Promise<Map<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ relname: string; seq_scan: string }>(
      'SELECT relname, seq_scan FROM pg_stat_user_tables WHERE relname = ANY($1)',
      [LARGE_TABLES],
    );
    return new Map(rows.map((r) => [r.relname, Number(r.seq_scan)]));
  } finally {
    await c.end();
  }
}

async function measure(kind: 'pglite' | 'postgres', runs: number) {
  let dir: string | undefined;
  let drop = async () => {};
  let url: string | undefined;
  if (kind === 'postgres') {
    const database = await createThrowawayDatabase('spl_bench_reports');
    url = database.url;
    drop = database.drop;
  } else {
    dir = mkdtempSync(join(tmpdir(), 'spl-bench-reports-'));
  }
  const { db } = await openDatabase(url ? { databaseUrl: url, dataDir: '' } : { dataDir: dir! });
  try {
    await migrateToLatest(db);
    const t0 = performance.now();
    const seeded = await seed(db);
    const seedMs = performance.now() - t0;
    await sql`ANALYZE`.execute(db);
    const config = loadConfig(
      { NODE_ENV: 'production', JWT_SECRET: BENCH_SECRET, DATA_DIR: dir ?? 'unused', LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '1000000' },
      readOrCreateDemoSecret,
    );
    const app = await buildApp(config, { db, logger: false });
    await app.ready();
    const mentor = await signToken(
      new TextEncoder().encode(BENCH_SECRET),
      { sub: 'mentor-1', name: 'Ada Mentor', role: 'mentor' } as never,
      {
        issuer: config.auth.issuer,
        audience: config.auth.audience,
      },
    );
    // Over a real HTTP connection, to the last byte, as a mentor's browser or an LMS receives it. app.inject is not
    // used here: it copies a 10 MB body into a string twice, work (~250 ms) that no real client causes.
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const time = async (path: string) => {
      const samples: number[] = [];
      let bytes = 0;
      for (let i = 0; i <= runs; i++) {
        const start = performance.now();
        const res = await get(port, path, mentor);
        const ms = performance.now() - start;
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.body.toString().slice(0, 300)}`);
        bytes = res.body.length;
        if (i > 0) samples.push(ms);
      }
      return { ms: median(samples), bytes };
    };
    const before = url ? await seqScans(url) : undefined;
    const rows = {
      session: await time(`/api/live-sessions/${seeded.bigSessionId}/report`),
      sessionCsv: await time(`/api/live-sessions/${seeded.bigSessionId}/report?format=csv&table=students`),
      course: await time(`/api/courses/${seeded.courseId}/report`),
      courseCsv: await time(`/api/courses/${seeded.courseId}/report?format=csv&table=students`),
    };
    await app.close();
    let scans: string[] = [];
    if (url && before) {
      await new Promise((r) => setTimeout(r, 1500)); // backends flush their table statistics at most once a second
      const after = await seqScans(url);
      scans = LARGE_TABLES.filter((t) => (after.get(t) ?? 0) > (before.get(t) ?? 0)).map(
        (t) => `${t} ×${(after.get(t) ?? 0) - (before.get(t) ?? 0)}`,
      );
    }
    return { kind, seedMs, rows, scans };
  } finally {
    await db.destroy();
    await drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** One GET, its whole body read. */
function get(port: number, path: string, token: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '5' }, kinds: { type: 'string', default: 'pglite,postgres' } },
  });
  const results = [];
  for (const kind of values.kinds.split(',') as ('pglite' | 'postgres')[]) {
    const r = await measure(kind, Number(values.runs));
    results.push(r);
    console.log(JSON.stringify(r));
  }
  const f = (x: { ms: number; bytes: number }) => `${x.ms.toFixed(0)} ms (${(x.bytes / 1024).toFixed(0)} KiB)`;
  console.log(
    '\n| database | session report (5,000 students) | its students CSV | course report (30 × 300) | its students CSV | seq scans on large tables |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.kind} | ${f(r.rows.session)} | ${f(r.rows.sessionCsv)} | ${f(r.rows.course)} | ${f(r.rows.courseCsv)} | ${r.kind === 'postgres' ? r.scans.join(', ') || 'none' : 'n/a'} |`,
    );
  }
}
