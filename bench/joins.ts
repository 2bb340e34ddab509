/**
 * Benchmark 4, join storm: N students connect and join one session within 5 s (a wave every 100 ms), then all drop
 * and reconnect at once. Measured: join-ack p50/p99 (from the join sent to its ack) and server CPU per connect + join,
 * for our server and for the floor (a raw `ws` handshake and an immediate ack); and, for ours, that every student's
 * attendance segment is in the database. Usage: node bench/joins.ts [--n 5000] [--runs 3]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { prepareClass } from './lib/class.ts';
import { connectWithRetry, type SioClient } from './lib/sio-client.ts';
import { pinSelf, startTarget, type Target, type TargetKind } from './lib/targets.ts';
import { median, percentile } from './lib/stats.ts';

export interface JoinResult {
  kind: TargetKind;
  n: number;
  stormP50: number;
  stormP99: number;
  reconnectP50: number;
  reconnectP99: number;
  cpuUsPerJoin: number;
  segmentsPersisted: number | null;
  /** Connections the server reset or refused during the storms, which the client retried. */
  connectRetries: number;
}

/** Connects and joins every token, `waves` groups spread over `spreadMs`; returns the clients and join-ack latencies. */
async function storm(target: Target, tokens: string[], sessionId: string, spreadMs: number) {
  const waves = Math.max(1, Math.round(spreadMs / 100));
  const size = Math.ceil(tokens.length / waves);
  const latencies: number[] = [];
  const clients: SioClient[] = [];
  const pending: Promise<void>[] = [];
  const retries = { count: 0 };
  for (let w = 0; w < waves; w++) {
    for (const t of tokens.slice(w * size, (w + 1) * size)) {
      pending.push(
        (async () => {
          const c = await connectWithRetry(target.base, { token: t }, retries);
          clients.push(c);
          const sent = performance.now();
          const joined = await c.request('session:join', { sessionId });
          if (!joined.ok) throw new Error(`join refused: ${JSON.stringify(joined.error)}`);
          latencies.push(performance.now() - sent);
        })(),
      );
    }
    if (spreadMs > 0) await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(pending);
  const at = (q: number) => percentile(latencies, q);
  return { clients, p50: at(0.5), p99: at(0.99), retries: retries.count };
}

async function measure(kind: TargetKind, n: number, port: number): Promise<JoinResult> {
  const target = await startTarget(kind, port);
  try {
    const { sessionId, tokens } = await prepareClass(target, n);
    const students = tokens.slice(1);
    const cpu0 = target.cpuMs();
    const first = await storm(target, students, sessionId, 5000);
    const cpuUsPerJoin = ((target.cpuMs() - cpu0) * 1000) / n;
    for (const c of first.clients) c.close();
    const again = await storm(target, students, sessionId, 0);
    let segmentsPersisted: number | null = null;
    if (target.databaseUrl) {
      await new Promise((r) => setTimeout(r, 1000)); // presence writes are batched
      const db = new pg.Client({ connectionString: target.databaseUrl });
      await db.connect();
      const { rows } = await db.query<{ users: string }>(
        'SELECT count(DISTINCT user_id) AS users FROM session_attendance WHERE session_id = $1',
        [sessionId],
      );
      segmentsPersisted = Number(rows[0]?.users ?? 0);
      await db.end();
    }
    for (const c of again.clients) c.close();
    const connectRetries = first.retries + again.retries;
    return {
      kind,
      n,
      stormP50: first.p50,
      stormP99: first.p99,
      reconnectP50: again.p50,
      reconnectP99: again.p99,
      cpuUsPerJoin,
      segmentsPersisted,
      connectRetries,
    };
  } finally {
    await target.stop();
  }
}

export async function runJoins(n: number, runs: number, kinds: TargetKind[] = ['floor', 'ours']): Promise<JoinResult[]> {
  pinSelf(1);
  const results: JoinResult[] = [];
  let port = 4600;
  for (const kind of kinds) {
    const all: JoinResult[] = [];
    for (let r = 0; r < runs; r++) all.push(await measure(kind, n, port++));
    const pick = (f: (x: JoinResult) => number) => median(all.map(f));
    const result: JoinResult = {
      kind,
      n,
      stormP50: pick((x) => x.stormP50),
      stormP99: pick((x) => x.stormP99),
      reconnectP50: pick((x) => x.reconnectP50),
      reconnectP99: pick((x) => x.reconnectP99),
      cpuUsPerJoin: pick((x) => x.cpuUsPerJoin),
      segmentsPersisted: kind === 'ours' ? Math.min(...all.map((x) => x.segmentsPersisted ?? 0)) : null,
      connectRetries: pick((x) => x.connectRetries),
    };
    console.log(JSON.stringify(result));
    results.push(result);
  }
  return results;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '5000' },
      runs: { type: 'string', default: '3' },
      kinds: { type: 'string', default: 'floor,ours' },
    },
  });
  const results = await runJoins(Number(values.n), Number(values.runs), values.kinds.split(',') as TargetKind[]);
  console.log(
    '\n| N | server | storm join-ack p50 | p99 | reconnect-all p50 | p99 | CPU per join | CPU vs floor | segments persisted | connect retries |\n|---|---|---|---|---|---|---|---|---|---|',
  );
  const floor = results.find((r) => r.kind === 'floor') ?? results[0]!;
  for (const r of results) {
    console.log(
      `| ${r.n} | ${r.kind} | ${r.stormP50.toFixed(0)} ms | ${r.stormP99.toFixed(0)} ms | ${r.reconnectP50.toFixed(0)} ms | ${r.reconnectP99.toFixed(0)} ms | ${r.cpuUsPerJoin.toFixed(0)} µs | ${(r.cpuUsPerJoin / floor.cpuUsPerJoin).toFixed(1)}× | ${r.segmentsPersisted ?? '—'} | ${r.connectRetries} |`,
    );
  }
}
