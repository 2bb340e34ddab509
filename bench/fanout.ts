/**
 * Benchmark 1, fan-out: N students in one session and a 110-byte chat message. For each message, the time from the
 * send until the last of the N students has received it (p50, p99), and the server's CPU time per delivery, for
 * (a) our server, (b) a bare Socket.IO room broadcast and (c) the floor, one pre-framed frame written to each socket.
 * Usage: node bench/fanout.ts [--n 1000,5000] [--messages 40] [--runs 3] [--kinds floor,socketio,ours]
 */
import { parseArgs } from 'node:util';
import { connectMany, joinAll, prepareClass } from './lib/class.ts';
import { pinSelf, startTarget, type TargetKind } from './lib/targets.ts';
import { median, percentile } from './lib/stats.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000,5000' },
    messages: { type: 'string', default: '40' },
    runs: { type: 'string', default: '3' },
    kinds: { type: 'string', default: 'floor,socketio,ours' },
  },
});
const SIZES = values.n.split(',').map(Number);
const MESSAGES = Number(values.messages);
const RUNS = Number(values.runs);
const BODY = 'x'.repeat(110);
const KINDS = values.kinds.split(',') as TargetKind[];

export interface FanoutResult {
  kind: TargetKind;
  n: number;
  p50: number;
  p99: number;
  cpuUsPerDelivery: number;
}

async function measure(kind: TargetKind, n: number, port: number): Promise<FanoutResult> {
  const target = await startTarget(kind, port);
  try {
    const { sessionId, tokens } = await prepareClass(target, n);
    const [sender, ...students] = await connectMany(target.base, tokens);
    let received = 0;
    let allIn: () => void = () => {};
    for (const s of students) {
      s.on('chat:message', () => {
        if (++received === n) allIn();
      });
    }
    await joinAll([sender!, ...students], sessionId);
    const latencies: number[] = [];
    const cpuBefore = target.cpuMs();
    for (let i = 0; i < MESSAGES; i++) {
      received = 0;
      const done = new Promise<void>((resolve) => (allIn = resolve));
      const t0 = performance.now();
      void sender!.request('chat:send', { sessionId, body: BODY });
      await done;
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
    const cpuMs = target.cpuMs() - cpuBefore;
    for (const c of [sender!, ...students]) c.close();
    const at = (q: number) => percentile(latencies, q);
    return { kind, n, p50: at(0.5), p99: at(0.99), cpuUsPerDelivery: (cpuMs * 1000) / (MESSAGES * n) };
  } finally {
    await target.stop();
  }
}

export async function runFanout(): Promise<FanoutResult[]> {
  pinSelf(1);
  const results: FanoutResult[] = [];
  let port = 4100;
  for (const n of SIZES) {
    for (const kind of KINDS) {
      const runs: FanoutResult[] = [];
      for (let r = 0; r < RUNS; r++) runs.push(await measure(kind, n, port++));
      const result = {
        kind,
        n,
        p50: median(runs.map((x) => x.p50)),
        p99: median(runs.map((x) => x.p99)),
        cpuUsPerDelivery: median(runs.map((x) => x.cpuUsPerDelivery)),
      };
      console.log(JSON.stringify(result));
      results.push(result);
    }
  }
  return results;
}

if (import.meta.main) {
  const results = await runFanout();
  console.log(
    '\n| N | server | last-recipient p50 (ms) | p99 (ms) | CPU per delivery (µs) | p50 vs floor | CPU vs floor |\n|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    const floor = results.find((f) => f.kind === 'floor' && f.n === r.n) ?? r;
    console.log(
      `| ${r.n} | ${r.kind} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.cpuUsPerDelivery.toFixed(2)} | ${(r.p50 / floor.p50).toFixed(2)}× | ${(r.cpuUsPerDelivery / floor.cpuUsPerDelivery).toFixed(2)}× |`,
    );
  }
}
