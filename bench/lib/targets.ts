/**
 * The servers a benchmark compares, each started as its own process pinned to core 0 (`taskset`), with its CPU time
 * read from /proc so the cost per delivery is the server's alone.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'node:net';
import pg from 'pg';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const BENCH_SECRET = 'bench-secret-that-is-at-least-32-bytes-long!!';
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);
export const HAS_TASKSET = existsSync('/usr/bin/taskset');

export type TargetKind = 'ours' | 'socketio' | 'floor';

export interface Target {
  kind: TargetKind;
  base: string;
  /** Our server's throwaway database. */
  databaseUrl?: string;
  /** CPU time (user + system) the server process has used so far, in ms. */
  cpuMs(): number;
  /** Heap after a full GC, RSS and the longest event-loop stall since the previous probe (see probe.ts). */
  probe(): Promise<{ heapUsed: number; rss: number; stallMs: number }>;
  stop(): Promise<void>;
}

/** Pins the calling process (the load client) to core 1, away from the server on core 0. */
export function pinSelf(core = 1) {
  if (HAS_TASKSET) execFileSync('taskset', ['-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** A fresh PostgreSQL database for one server under test, and how to drop it (with any connections left). */
export async function createThrowawayDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const drop = async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  return { url: url.toString(), drop };
}

export async function startTarget(kind: TargetKind, port: number, env: Record<string, string> = {}): Promise<Target> {
  let dropDb = async () => {};
  let script = kind === 'socketio' ? 'bench/servers/bare-socketio.ts' : 'bench/servers/raw-ws.ts';
  let childEnv: Record<string, string> = { PORT: String(port) };
  let databaseUrl: string | undefined;
  if (kind === 'ours') {
    const database = await createThrowawayDatabase('spl_bench');
    databaseUrl = database.url;
    dropDb = database.drop;
    script = 'src/server.ts';
    childEnv = {
      PORT: String(port),
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      JWT_SECRET: BENCH_SECRET,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_MAX: '1000000',
      CHAT_RATE_PER_MIN: '10000',
      QA_RATE_PER_MIN: '10000',
      UPVOTE_RATE_PER_MIN: '10000',
      VOTE_RATE_PER_MIN: '10000',
      ...env,
    };
  }
  const probeFile = join(tmpdir(), `spl-probe-${process.pid}-${port}.json`);
  // BENCH_CPU_PROF=<dir>: our server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  const profile = kind === 'ours' && process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const node = [process.execPath, ...profile, '--expose-gc', '--import', './bench/lib/probe.ts', script];
  const [command, ...args] = HAS_TASKSET ? ['taskset', '-c', '0', ...node] : node;
  const child: ChildProcess = spawn(command!, args, {
    cwd: root,
    env: { ...process.env, ...childEnv, PROBE_FILE: probeFile },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntilUp(base, child);
  return {
    kind,
    base,
    databaseUrl,
    cpuMs: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    },
    async probe() {
      rmSync(probeFile, { force: true });
      child.kill('SIGUSR2');
      for (let i = 0; i < 100 && !existsSync(probeFile); i++) await new Promise((r) => setTimeout(r, 50));
      return JSON.parse(readFileSync(probeFile, 'utf8'));
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await dropDb();
    },
  };
}

async function waitUntilUp(base: string, child: ChildProcess) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const listening = await new Promise<boolean>((resolve) => {
      const probe = connect(Number(new URL(base).port), '127.0.0.1');
      probe
        .once('connect', () => {
          probe.end();
          resolve(true);
        })
        .once('error', () => resolve(false));
      probe.once('close', () => probe.destroy());
      setTimeout(() => probe.destroy(), 1000);
      probe.unref();
    });
    if (listening) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start');
}
