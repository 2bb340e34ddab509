/**
 * Embedded PGlite's memory settings: a small buffer pool (its WebAssembly heap never shrinks, so PostgreSQL's stock
 * 128 MB stayed resident), applied at start-up only, so a folder written by an earlier version opens unchanged.
 * The idle-RSS figures are measured by bench/idle-rss.ts (docs/performance.md).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openDatabase } from './kysely.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'spl-pglite-mem-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

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
});
