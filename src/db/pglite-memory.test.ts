/**
 * Embedded PGlite's memory settings (src/db/pglite-options.ts): a small buffer pool, and its engine left on V8's
 * baseline compiler, both applied at start-up only, so a folder written by an earlier version opens unchanged; and a
 * new database is created by a process of its own (src/db/pglite-initdb.ts).
 * The idle-RSS figures are measured by bench/idle-rss.ts (docs/performance.md).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openDatabase } from './kysely.ts';
import { createPGliteFolder } from './pglite-initdb.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'spl-pglite-mem-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * Opens the database in `dir` in a process of its own, runs queries for `busyMs`, and returns that process's peak
 * resident memory in MiB (VmHWM): this test process has opened PGlite many times and says nothing about one start.
 */
async function peakOfOneStart(dir: string, busyMs: number): Promise<number> {
  const script = `
    import { readFileSync } from 'node:fs';
    import { sql } from 'kysely';
    const { openDatabase } = await import(${JSON.stringify(new URL('./kysely.ts', import.meta.url).href)});
    const { db } = await openDatabase({ dataDir: ${JSON.stringify(dir)} });
    for (const until = Date.now() + ${busyMs}; Date.now() < until; ) {
      await sql\`SELECT count(*) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.relname LIKE 'pg%'\`.execute(db);
    }
    await db.destroy();
    console.log('VmHWM', /^VmHWM:\\s+(\\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))[1]);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: join(import.meta.dirname, '..', '..'),
  });
  return Math.round(Number(/^VmHWM (\d+)$/m.exec(stdout)?.[1]) / 1024);
}

describe('embedded PGlite memory', () => {
  test('the embedded database runs with a 16 MB buffer pool, not the stock 128 MB', async () => {
    const { db } = await openDatabase({ dataDir: 'memory://' });
    try {
      const { rows } = await sql<{ shared_buffers: string }>`SHOW shared_buffers`.execute(db);
      assert.equal(rows[0]?.shared_buffers, '16MB');
    } finally {
      await db.destroy();
    }
  });

  test('a folder written with the stock settings opens with its data', async () => {
    const old = new PGlite(join(dataDir, 'pglite'));
    await old.exec(`CREATE TABLE kept (note text); INSERT INTO kept VALUES ('written before')`);
    await old.close();
    const { db } = await openDatabase({ dataDir });
    try {
      const { rows } = await sql<{ note: string }>`SELECT note FROM kept`.execute(db);
      assert.deepEqual(rows, [{ note: 'written before' }]);
    } finally {
      await db.destroy();
    }
  });

  test('the first start (which creates the database) and a busy restart each peak under 300 MiB', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spl-pglite-peak-'));
    try {
      // initdb in the server's own process peaked at ~640 MiB.
      const firstMiB = await peakOfOneStart(dir, 0);
      assert.ok(firstMiB < 300, `first start peaked at ${firstMiB} MiB`);
      // With V8's optimizing compiler, one PostgreSQL function took ~600 MB to recompile, seconds into every start:
      // the peak passed 400 MiB within 4 s on a loaded machine and reached ~780 MiB.
      const restartMiB = await peakOfOneStart(dir, 5000);
      assert.ok(restartMiB < 300, `a busy restart peaked at ${restartMiB} MiB`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a database that cannot be created fails the start, naming the folder and the reason', async () => {
    const file = join(dataDir, 'not-a-folder');
    writeFileSync(file, '');
    await assert.rejects(createPGliteFolder(join(file, 'pglite')), (err: Error) => {
      assert.match(err.message, /Creating the embedded database in .*not-a-folder\/pglite failed: .*ENOTDIR/s);
      return true;
    });
  });
});
