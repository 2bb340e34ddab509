import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { pgliteOptions } from './pglite-options.ts';

/**
 * Creates the embedded database in `dir` when it has none yet, in a short-lived process of its own, as PostgreSQL's
 * initdb is a program of its own. PGlite's initdb runs two more WebAssembly instances and copies the new cluster
 * through memory as a tar; done in the server's process, the C allocator kept ~55 MiB of that for as long as the
 * server ran, and the start peaked at ~640 MiB (docs/performance.md). The caller holds the folder's lock.
 */
export async function createPGliteFolder(dir: string): Promise<void> {
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  try {
    await promisify(execFile)(process.execPath, [fileURLToPath(import.meta.url), dir]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`Creating the embedded database in ${dir} failed${stderr ? `: ${stderr}` : ''}`, { cause: err });
  }
}

// The child: node src/db/pglite-initdb.ts <dir>. Opening a folder without a database makes one; then it closes.
if (import.meta.main) {
  const db = new PGlite(process.argv[2], pgliteOptions());
  await db.waitReady;
  await db.close();
}
