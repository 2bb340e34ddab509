/**
 * Idle memory: the server's RSS after start-up, migrations and the demo seed, `--settle` seconds after /healthz first
 * answers 200, on embedded PGlite and on PostgreSQL (a throwaway database). PGlite is measured twice per run: on a
 * fresh folder (the first start, which also creates the database) and started again on that folder (every later
 * start). RSS is VmRSS from /proc; the peak (VmHWM) is reported too.
 * Usage: node bench/idle-rss.ts [--runs 3] [--settle 10] [--kinds pglite,postgres]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './lib/stats.ts';
import { createThrowawayDatabase } from './lib/targets.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Sample {
  rssMiB: number;
  peakMiB: number;
  startMs: number;
}

function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kib) / 1024);
}

/** Starts the server, waits until /healthz is 200 and `settleS` more seconds, reads its memory, stops it. */
async function sample(env: Record<string, string>, settleS: number): Promise<Sample> {
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, ['src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    let output = '';
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (d) => {
        output += d;
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    });
    while (
      (await fetch(`${base}/healthz`).then(
        (r) => r.status,
        () => 0,
      )) !== 200
    )
      await sleep(100);
    const startMs = Date.now() - started;
    await sleep(settleS * 1000);
    const pid = child.pid ?? 0;
    return { rssMiB: statusMiB(pid, 'VmRSS'), peakMiB: statusMiB(pid, 'VmHWM'), startMs };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withThrowawayDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const database = await createThrowawayDatabase('spl_idle');
  try {
    return await fn(database.url);
  } finally {
    await database.drop();
  }
}

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    settle: { type: 'string', default: '10' },
    kinds: { type: 'string', default: 'pglite,postgres' },
  },
});
const runs = Number(values.runs);
const settle = Number(values.settle);
const results: Record<string, Sample[]> = {};
const add = (label: string, s: Sample) => {
  results[label] = [...(results[label] ?? []), s];
  console.log(
    `${label.padEnd(16)} RSS ${String(s.rssMiB).padStart(4)} MiB  peak ${String(s.peakMiB).padStart(4)} MiB  up in ${s.startMs} ms`,
  );
};
for (let run = 0; run < runs; run++) {
  for (const kind of values.kinds.split(',')) {
    if (kind === 'pglite') {
      const dataDir = mkdtempSync(join(tmpdir(), 'spl-idle-'));
      try {
        add('pglite (fresh)', await sample({ DATA_DIR: dataDir }, settle));
        add('pglite (restart)', await sample({ DATA_DIR: dataDir }, settle));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    } else if (kind === 'postgres') {
      // DATA_DIR still holds the demo signing secret.
      const dataDir = mkdtempSync(join(tmpdir(), 'spl-idle-'));
      try {
        await withThrowawayDatabase(async (url) =>
          add('postgres', await sample({ DATABASE_URL: url, DATA_DIR: dataDir, DEMO_MODE: 'true' }, settle)),
        );
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  }
}
console.log(`\nmedian of ${runs} (settle ${settle} s):`);
for (const [label, samples] of Object.entries(results)) {
  const m = (f: (s: Sample) => number) => Math.round(median(samples.map(f)));
  console.log(`${label.padEnd(16)} RSS ${m((s) => s.rssMiB)} MiB  peak ${m((s) => s.peakMiB)} MiB  up in ${m((s) => s.startMs)} ms`);
}
