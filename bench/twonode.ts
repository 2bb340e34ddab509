/**
 * Two nodes behind one Redis: N students, half connected to node A and half to node B, in one session; the mentor on
 * A sends a 110-byte chat message. Per message, the time until the last student on A has it (local delivery) and
 * until the last student on B has it (remote: A commits, tells B through Redis, B emits in seq order).
 * Usage: node bench/twonode.ts [--n 2000] [--messages 40] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { startRedis } from '../src/test/nodes.ts';
import { connectMany, joinAll, prepareClass } from './lib/class.ts';
import { median, percentile } from './lib/stats.ts';
import { pinSelf, startTarget } from './lib/targets.ts';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '2000' }, messages: { type: 'string', default: '40' }, runs: { type: 'string', default: '3' } },
});
const BODY = 'x'.repeat(110);

export interface TwoNodeResult {
  n: number;
  localP50: number;
  localP99: number;
  remoteP50: number;
  remoteP99: number;
}

async function measure(n: number, messages: number, port: number): Promise<TwoNodeResult> {
  const redis = await startRedis();
  const env = { REDIS_URL: redis.url, CLUSTER_RESYNC_MS: '5000' };
  const a = await startTarget('ours', port, env);
  const b = await startTarget('ours', port + 1, { ...env, DATABASE_URL: a.databaseUrl as string });
  try {
    const { sessionId, tokens } = await prepareClass(a, n);
    const [mentorToken, ...studentTokens] = tokens;
    const half = Math.floor(n / 2);
    const [sender, ...onA] = await connectMany(a.base, [mentorToken as string, ...studentTokens.slice(0, half)]);
    const onB = await connectMany(b.base, studentTokens.slice(half));
    const arrivals = { a: 0, b: 0 };
    const done = { a: () => {}, b: () => {} };
    for (const [side, clients] of [
      ['a', onA],
      ['b', onB],
    ] as const) {
      for (const c of clients) c.on('chat:message', () => void (++arrivals[side] === clients.length && done[side]()));
    }
    await joinAll([sender!, ...onA, ...onB], sessionId);
    const local: number[] = [];
    const remote: number[] = [];
    for (let i = 0; i < messages; i++) {
      arrivals.a = 0;
      arrivals.b = 0;
      const t0 = performance.now();
      const atA = new Promise<number>((resolve) => (done.a = () => resolve(performance.now() - t0)));
      const atB = new Promise<number>((resolve) => (done.b = () => resolve(performance.now() - t0)));
      void sender!.request('chat:send', { sessionId, body: BODY });
      local.push(await atA);
      remote.push(await atB);
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const c of [sender!, ...onA, ...onB]) c.close();
    return {
      n,
      localP50: percentile(local, 0.5),
      localP99: percentile(local, 0.99),
      remoteP50: percentile(remote, 0.5),
      remoteP99: percentile(remote, 0.99),
    };
  } finally {
    await b.stop();
    await a.stop();
    await redis.kill();
  }
}

export async function runTwoNode(n: number, messages: number, runs: number): Promise<TwoNodeResult> {
  pinSelf(1);
  const all: TwoNodeResult[] = [];
  for (let r = 0; r < runs; r++) all.push(await measure(n, messages, 4600 + r * 2));
  const mid = (pick: (x: TwoNodeResult) => number) => median(all.map(pick));
  const result = {
    n,
    localP50: mid((x) => x.localP50),
    localP99: mid((x) => x.localP99),
    remoteP50: mid((x) => x.remoteP50),
    remoteP99: mid((x) => x.remoteP99),
  };
  console.log(JSON.stringify(result));
  return result;
}

if (import.meta.main) {
  const r = await runTwoNode(Number(values.n), Number(values.messages), Number(values.runs));
  console.log(
    '\n| N (half per node) | local p50 | local p99 | remote p50 | remote p99 | remote − local (p50) |\n|---|---|---|---|---|---|',
  );
  console.log(
    `| ${r.n} | ${r.localP50.toFixed(1)} ms | ${r.localP99.toFixed(1)} ms | ${r.remoteP50.toFixed(1)} ms | ${r.remoteP99.toFixed(1)} ms | ${(r.remoteP50 - r.localP50).toFixed(1)} ms |`,
  );
}
