/**
 * A PostgreSQL server of the test's own (initdb in a temporary folder, on a free port), so a test may stop and
 * restart it without touching the machine's shared database. PostgreSQL refuses to run as root, so as root the
 * server runs as the `postgres` user (setpriv execs it: the child we hold is the postmaster itself).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from './nodes.ts';

export interface PostgresProcess {
  url: string;
  /** Fast shutdown (SIGINT): open connections are terminated, new ones refused. */
  stop: () => Promise<void>;
  start: () => Promise<void>;
  /** Stops the server and deletes its folder. */
  destroy: () => Promise<void>;
}

/** The newest installed server binaries, or undefined (the caller skips). */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  const bin = version && join(root, version, 'bin');
  return bin && existsSync(join(bin, 'initdb')) ? bin : undefined;
}

export async function startPostgres(bin: string): Promise<PostgresProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'spl-pg-'));
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups'] : [];
  if (asUser.length) {
    const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, 'postgres']).toString()));
    chownSync(dir, uid as number, gid as number);
  }
  const run = (cmd: string, args: string[]) =>
    (asUser.length ? [asUser[0] as string, [...asUser.slice(1), cmd, ...args]] : [cmd, args]) as [string, string[]];
  const data = join(dir, 'data');
  execFileSync(...run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']), { stdio: 'ignore' });
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  let out = '';

  const start = async () => {
    const args = [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=50',
    ];
    child = spawn(...run(join(bin, 'postgres'), args), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`postgres exited at start:\n${out}`);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      const ok = await client.connect().then(
        () => true,
        () => false,
      );
      await client.end().catch(() => {});
      if (ok) return;
      await sleep(100);
    }
    throw new Error(`postgres on ${port} did not start:\n${out}`);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGINT');
    await exited;
  };

  try {
    await start();
  } catch (err) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
