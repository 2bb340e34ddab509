/**
 * Loaded into a server under test (`node --expose-gc --import ./bench/lib/probe.ts …`): on SIGUSR2 it collects
 * garbage and writes its memory use and the longest event-loop stall since the last report to PROBE_FILE.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
const gc = (globalThis as { gc?: () => void }).gc;

process.on('SIGUSR2', () => {
  const stallMs = loop.max / 1e6;
  gc?.();
  gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  // Only now: the two forced full collections above are the probe's own stall, not the server's, and a probe that
  // starts a measurement must not charge them to it.
  loop.reset();
  const file = process.env.PROBE_FILE ?? '/tmp/spl-probe.json';
  // Written whole, then renamed: the reader never sees half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify({ heapUsed, rss, stallMs, at: Date.now() }));
  renameSync(`${file}.tmp`, file);
});
