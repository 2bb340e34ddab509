/**
 * How the server process answers signals, beside the graceful close under load (server.shutdown.test.ts): a close
 * that hangs is cut off at SHUTDOWN_TIMEOUT_MS and the log says so; SIGUSR2 is not a stop.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startServer, stopServers } from './test/server-process.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  stopServers();
  for (const clean of cleanups) await clean();
});

describe('a graceful shutdown that hangs', () => {
  test('is cut off at SHUTDOWN_TIMEOUT_MS: the process exits non-zero and logs why', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spl-shutdown-hang-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const timeoutMs = 1500;
    const server = await startServer({ DATA_DIR: dataDir, LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_MS: String(timeoutMs) });
    // A request whose body never finishes: the HTTP server waits for it (up to its 30 s request timeout).
    const slow = tcpConnect(server.port, '127.0.0.1');
    await once(slow, 'connect');
    slow.write('POST /api/live-sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":');
    cleanups.push(() => void slow.destroy());
    await sleep(200);
    const { code, ms } = await server.terminate();
    assert.notEqual(code, 0);
    assert.ok(ms >= timeoutMs - 100 && ms < timeoutMs + 10_000, `exited after ${ms} ms`);
    assert.match(server.output(), /graceful shutdown timed out/);
    t.diagnostic(`exit ${code} after ${ms} ms`);
  });
});

describe('signals that are not a stop', () => {
  test('SIGUSR2 (the benchmarks probe) leaves the server running', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spl-shutdown-usr2-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // With no SIGUSR2 listener of its own, a process ends on SIGUSR2: the probe loads one (bench/lib/probe.ts).
    const server = await startServer({ DATA_DIR: dataDir, NODE_OPTIONS: '--import ./bench/lib/probe.ts' });
    const child = server.pid;
    process.kill(child, 'SIGUSR2');
    await sleep(500);
    assert.equal((await fetch(`${server.base}/healthz`)).status, 200, 'still serving after SIGUSR2');
    assert.equal((await server.terminate()).code, 0);
  });
});
