/**
 * Benchmark 5, memory: heap (after a full GC) and RSS per connected student, joined to one session, for our server,
 * a bare Socket.IO server, and a plain `ws` server holding the same clients (the floor).
 * Usage: node bench/memory.ts [--n 5000] [--runs 3] [--kinds floor,socketio,ours]
 */
import { parseArgs } from 'node:util';
import { connectMany, joinAll, prepareClass } from './lib/class.ts';
import { pinSelf, startTarget, type TargetKind } from './lib/targets.ts';
import { median } from './lib/stats.ts';

export interface MemoryResult {
  kind: TargetKind;
  n: number;
  heapPerStudentKiB: number;
  rssPerStudentKiB: number;
}

async function measure(kind: TargetKind, n: number, port: number): Promise<MemoryResult> {
  const target = await startTarget(kind, port);
  try {
    const { sessionId, tokens } = await prepareClass(target, n);
    // Warm up every code path once, so what follows is the clients' cost, not lazily loaded modules.
    const [warm] = await connectMany(target.base, [tokens[0]!]);
    await joinAll([warm!], sessionId);
    warm!.close();
    await new Promise((r) => setTimeout(r, 500));
    const before = await target.probe();
    const clients = await connectMany(target.base, tokens.slice(1));
    await joinAll(clients, sessionId);
    await new Promise((r) => setTimeout(r, 1500)); // let presence writes and coalesced broadcasts settle
    const after = await target.probe();
    for (const c of clients) c.close();
    const perStudent = (bytes: number) => bytes / clients.length / 1024;
    return {
      kind,
      n,
      heapPerStudentKiB: perStudent(after.heapUsed - before.heapUsed),
      rssPerStudentKiB: perStudent(after.rss - before.rss),
    };
  } finally {
    await target.stop();
  }
}

export async function runMemory(
  sizes: number[],
  runs: number,
  kinds: TargetKind[] = ['floor', 'socketio', 'ours'],
): Promise<MemoryResult[]> {
  pinSelf(1);
  const results: MemoryResult[] = [];
  let port = 4300;
  for (const n of sizes) {
    for (const kind of kinds) {
      const all: MemoryResult[] = [];
      for (let r = 0; r < runs; r++) all.push(await measure(kind, n, port++));
      const result = {
        kind,
        n,
        heapPerStudentKiB: median(all.map((x) => x.heapPerStudentKiB)),
        rssPerStudentKiB: median(all.map((x) => x.rssPerStudentKiB)),
      };
      console.log(JSON.stringify(result));
      results.push(result);
    }
  }
  return results;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '5000' },
      runs: { type: 'string', default: '3' },
      kinds: { type: 'string', default: 'floor,socketio,ours' },
    },
  });
  const results = await runMemory(values.n.split(',').map(Number), Number(values.runs), values.kinds.split(',') as TargetKind[]);
  console.log(
    '\n| N | server | heap per student (KiB) | RSS per student (KiB) | heap vs floor | RSS vs floor |\n|---|---|---|---|---|---|',
  );
  for (const r of results) {
    const floor = results.find((f) => f.kind === 'floor' && f.n === r.n) ?? r;
    console.log(
      `| ${r.n} | ${r.kind} | ${r.heapPerStudentKiB.toFixed(1)} | ${r.rssPerStudentKiB.toFixed(1)} | ${(r.heapPerStudentKiB / floor.heapPerStudentKiB).toFixed(2)}× | ${(r.rssPerStudentKiB / floor.rssPerStudentKiB).toFixed(2)}× |`,
    );
  }
}
