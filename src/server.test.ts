/**
 * The process as an operator runs it: `node src/server.ts` with a bare environment, restarts, refusals to start,
 * and the token and migrate scripts.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const dataDir = mkdtempSync(join(tmpdir(), 'spl-server-'));
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Only what a fresh shell has: no JWT, no database URL. */
const bareEnv = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', PORT: '0', DATA_DIR: dataDir, ...extra });

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(process.execPath, ['src/server.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  child.stderr?.on('data', (d) => (output += d));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      output += d;
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    setTimeout(() => reject(new Error(`server did not report listening within 30 s: ${output}`)), 30_000).unref();
  });
  return { child, base, output: () => output };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  return code as number | null;
}

async function startAndFail(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['src/server.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stderr };
}

const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as Record<string, any> });

describe('the server process', () => {
  test('with no environment it serves the demo course on PGlite, and data survives a restart', async () => {
    const first = await startServer(bareEnv());
    const users = await json(await fetch(`${first.base}/api/demo/users`));
    assert.equal(users.status, 200);
    assert.equal(users.body.courseId, 'demo-course');
    const signIn = await json(
      await fetch(`${first.base}/api/demo/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'demo-mentor' }),
      }),
    );
    assert.equal(signIn.status, 200);
    const auth = { authorization: `Bearer ${signIn.body.token}`, 'content-type': 'application/json' };
    const created = await json(
      await fetch(`${first.base}/api/live-sessions`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ courseId: 'demo-course', title: 'Survives', scheduledStart: '2026-12-24T18:00:00Z', durationMinutes: 45 }),
      }),
    );
    assert.equal(created.status, 201);
    assert.equal(await stop(first.child), 0, 'SIGTERM closes gracefully');
    assert.ok(!first.output().includes(signIn.body.token), 'the token never reaches the log');

    const second = await startServer(bareEnv());
    // The demo signing secret lives in DATA_DIR, so the token from before the restart still works.
    const got = await json(await fetch(`${second.base}/api/live-sessions/${created.body.id}`, { headers: auth }));
    assert.equal(got.status, 200);
    assert.equal(got.body.title, 'Survives');
    assert.equal((await json(await fetch(`${second.base}/healthz`))).body.status, 'ok');
    await stop(second.child);
  });

  test('npm run token prints a token the running configuration accepts', async () => {
    const { stdout } = await run(process.execPath, ['scripts/token.ts', '--sub', 'demo-student-1', '--role', 'student', '--name', 'Alan'], {
      cwd: root,
      env: bareEnv(),
    });
    const server = await startServer(bareEnv());
    const res = await fetch(`${server.base}/api/live-sessions?courseId=demo-course`, {
      headers: { authorization: `Bearer ${stdout.trim()}` },
    });
    assert.equal(res.status, 200);
    await stop(server.child);
  });

  test('npm run token refuses bad arguments with a usage message', async () => {
    await assert.rejects(
      run(process.execPath, ['scripts/token.ts', '--sub', 'u1', '--role', 'root'], { cwd: root, env: bareEnv() }),
      (err: { code: number; stderr: string }) => err.code === 2 && err.stderr.includes('Usage'),
    );
  });

  test('production refuses to start without JWT settings, naming them', async () => {
    const { code, stderr } = await startAndFail(bareEnv({ NODE_ENV: 'production' }));
    assert.notEqual(code, 0);
    assert.match(stderr, /JWT_SECRET/);
  });

  test('an invalid value stops start-up with a message naming the variable', async () => {
    const port = await startAndFail(bareEnv({ PORT: 'abc' }));
    assert.notEqual(port.code, 0);
    assert.match(port.stderr, /PORT/);
    const secret = await startAndFail(bareEnv({ JWT_SECRET: 'short' }));
    assert.match(secret.stderr, /JWT_SECRET: must be at least 32 bytes/);
  });

  test('production with a JWT secret never offers demo sign-in', async () => {
    const server = await startServer(bareEnv({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) }));
    const res = await fetch(`${server.base}/api/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'demo-mentor' }),
    });
    assert.equal(res.status, 404);
    assert.equal((await fetch(`${server.base}/api/demo/users`)).status, 404);
    await stop(server.child);
  });

  test('npm run migrate applies migrations once and then reports nothing to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spl-migrate-'));
    try {
      const first = await run(process.execPath, ['scripts/migrate.ts'], { cwd: root, env: bareEnv({ DATA_DIR: dir }) });
      assert.match(
        first.stdout,
        /Applied on pglite: 0001_initial, 0002_realtime, 0003_pending_broadcasts, 0004_meeting_jobs, 0005_event_retention/,
      );
      const second = await run(process.execPath, ['scripts/migrate.ts'], { cwd: root, env: bareEnv({ DATA_DIR: dir }) });
      assert.match(second.stdout, /up to date/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
