/**
 * The service as an operator runs it: `src/server.ts` as a process of its own on a free loopback port, for tests of
 * what the process itself does (signals, exit codes, its log). `stopServers` kills whatever a test file left running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { TEST_SECRET } from './harness.ts';
import { freePort } from './nodes.ts';

const root = join(import.meta.dirname, '../..');
const children = new Set<ChildProcess>();

export interface ServerProcess {
  base: string;
  port: number;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  /** SIGTERM; resolves with the exit code and how long the process took to exit. */
  terminate: () => Promise<{ code: number | null; ms: number }>;
}

/** Starts the server with only `env` (and PATH) in its environment; resolves once it says it is listening. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/server.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: String(port), JWT_SECRET: TEST_SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  void exited.then(() => children.delete(child));
  let output = '';
  child.stderr?.on('data', (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      output += d;
      if (output.includes('Server listening')) resolve();
    });
    void exited.then(([code]) => reject(new Error(`server exited with ${code}: ${output}`)));
    setTimeout(() => reject(new Error(`no start within 30 s: ${output}`)), 30_000).unref();
  });
  const terminate = async () => {
    const started = Date.now();
    child.kill('SIGTERM');
    const [code] = await exited;
    return { code, ms: Date.now() - started };
  };
  return { base: `http://127.0.0.1:${port}`, port, pid: child.pid as number, output: () => output, terminate };
}

/** SIGKILLs every server still running (for a test file's `after`). */
export function stopServers(): void {
  for (const child of children) child.kill('SIGKILL');
}
