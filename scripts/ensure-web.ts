/**
 * `npm start` runs this first: builds the web app when web/dist is missing or older than its sources: web/, the server
 * modules it imports (any of src/, to be safe) and the lockfile. Without Vite (a `--omit=dev` install) an existing
 * build is used as is.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'web/dist/index.html');

function newest(dir: string, keep: (path: string) => boolean): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && keep(path)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

const sources = Math.max(
  newest(join(root, 'web'), (p) => !p.includes('/web/dist/') && !p.includes('/web/e2e/')),
  newest(join(root, 'src'), (p) => p.endsWith('.ts') && !p.endsWith('.test.ts')),
  statSync(join(root, 'package-lock.json')).mtimeMs,
);
const stale = !existsSync(built) || statSync(built).mtimeMs < sources;
const vite = join(root, 'node_modules/vite/bin/vite.js');

if (!stale) process.exit(0);
if (!existsSync(vite)) {
  console.warn(
    existsSync(built)
      ? 'web app may be stale, but Vite is not installed; serving the existing build'
      : 'Vite is not installed: serving the API without the web app',
  );
  process.exit(0);
}
console.log('Building the web app (web/dist)…');
const result = spawnSync(process.execPath, [vite, 'build', join(root, 'web'), '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
