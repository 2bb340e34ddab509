/**
 * The PGlite folder lock as an operator meets it: the real server (`node src/server.ts`) on a temporary DATA_DIR,
 * killed with SIGKILL and restarted at once, and a second process pointed at a folder that is in use.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { lockDataDir } from './data-dir-lock.ts';

const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'spl-lock-'));
  dirs.push(dir);
  return dir;
}

const env = (dataDir: string) => ({ PATH: process.env.PATH ?? '', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' });

/**
 * Starts the server; `ready` resolves with its base URL once it listens, or rejects with its output if it exits.
 * `underNoInit` runs it as the child of a parent that never reaps (`sleep`), like a container whose entrypoint is
 * not an init: a killed server then stays a zombie, and its pid still looks alive. `pid` is the server's own.
 */
function startServer(dataDir: string, underNoInit = false): { child: ChildProcess; ready: Promise<string>; pid: () => number } {
  const [command, args] = underNoInit
    ? ['sh', ['-c', '"$0" src/server.ts & exec sleep 100000', process.execPath]]
    : [process.execPath, ['src/server.ts']];
  const child = spawn(command, args, { cwd: root, env: env(dataDir), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (d) => {
      output += d;
      // Under `sleep` the parent outlives a server that fails to start; its error on stderr says so.
      if (/^\w*Error\b/m.test(String(d))) reject(new Error(`server failed: ${output}`));
    });
    child.stdout?.on('data', (d) => {
      output += d;
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}): ${output}`)));
    // Generous: the machine running the tests may be loaded.
    setTimeout(() => reject(new Error(`server did not listen within 60 s: ${output}`)), 60_000).unref();
  });
  ready.catch(() => {});
  const pid = () => Number(/"pid":(\d+)/.exec(output)?.[1]);
  return { child, ready, pid };
}

async function healthStatus(base: string): Promise<number> {
  return (await fetch(`${base}/healthz`)).status;
}

describe('the PGlite data folder lock', () => {
  test('after kill -9 the server restarts at once on the same folder, ten times in a row', { timeout: 600_000 }, async () => {
    const dataDir = tempDataDir();
    let server = startServer(dataDir, true);
    let base = await server.ready;
    assert.equal(await healthStatus(base), 200);
    for (let round = 1; round <= 10; round++) {
      process.kill(server.pid(), 'SIGKILL');
      // At once, and the killed server is never reaped: its pid stays taken, as under a container without an init.
      server = startServer(dataDir, true);
      base = await server.ready.catch((err: Error) => assert.fail(`restart ${round} failed: ${err.message}`));
      assert.equal(await healthStatus(base), 200, `restart ${round} is healthy`);
    }
    process.kill(server.pid(), 'SIGTERM');
    while (await healthStatus(base).catch(() => 0)) await new Promise((r) => setTimeout(r, 100));
    // The parents (sleep) go last; the zombies they held are reaped by whoever inherits them.
    for (const child of children) child.kill('SIGKILL');
  });

  test('a second live process on the folder is refused with an error naming the folder', { timeout: 180_000 }, async () => {
    const dataDir = tempDataDir();
    const first = startServer(dataDir);
    const base = await first.ready;

    const second = startServer(dataDir);
    const secondExit = once(second.child, 'exit');
    await assert.rejects(second.ready, (err: Error) => {
      assert.ok(
        err.message.includes(`The database folder ${join(dataDir, 'pglite')} is in use by process ${first.child.pid}`),
        err.message,
      );
      return true;
    });
    assert.equal((await secondExit)[0], 1, 'the second exits with an error');
    assert.equal(await healthStatus(base), 200, 'the first keeps serving');

    // A clean close releases the folder.
    const exited = once(first.child, 'exit');
    first.child.kill('SIGTERM');
    assert.equal((await exited)[0], 0);
    const third = startServer(dataDir);
    assert.equal(await healthStatus(await third.ready), 200);
    third.child.kill('SIGTERM');
    await once(third.child, 'exit');
  });

  test('a pid lock file left by an older version does not block the start, even when that pid is alive', { timeout: 180_000 }, async () => {
    const dataDir = tempDataDir();
    mkdirSync(join(dataDir, 'pglite'), { recursive: true });
    // After a crash in a container the recorded pid commonly belongs to some other live process by the next start.
    writeFileSync(join(dataDir, 'pglite', 'pglite.lock'), String(process.pid));
    const server = startServer(dataDir);
    assert.equal(await healthStatus(await server.ready), 200);
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
  });

  test('in one process, the folder is locked once and free again after release', async () => {
    const parent = tempDataDir();
    const dir = join(parent, 'pglite');
    const release = await lockDataDir(dir);
    await assert.rejects(lockDataDir(dir), new RegExp(`The database folder ${dir} is in use by process ${process.pid}`));
    // The same folder reached through a symbolic link is the same folder.
    const link = join(tempDataDir(), 'link');
    symlinkSync(parent, link);
    await assert.rejects(lockDataDir(join(link, 'pglite')), /is in use/);
    await release();
    const again = await lockDataDir(dir);
    await again();
  });
});
