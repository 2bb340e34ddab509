/**
 * Benchmark 2, a sustained class: N students in a live session while 200 events/s arrive for `--seconds`:
 * 10 chat messages, 95 upvote toggles and 95 poll votes per second, from random students. Measured: events delivered
 * per second (every room event every client received), chat delivery latency p99 (send to receipt, sampled over 200
 * students), the server's longest event-loop stall, and that nothing was dropped: every student received every chat
 * message and every seq once, in order. Usage: node bench/sustained.ts [--n 5000] [--seconds 20] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { connectMany, joinAll, prepareClass } from './lib/class.ts';
import { pinSelf, startTarget } from './lib/targets.ts';
import { ROOM_EVENTS } from '../src/realtime/protocol.ts';
import { median, percentile } from './lib/stats.ts';

const RATES = { chat: 10, upvote: 95, vote: 95 };

export interface SustainedResult {
  n: number;
  seconds: number;
  deliveredPerSecond: number;
  chatP99: number;
  longestStallMs: number;
  dropped: number;
  /** How long after the last send every acknowledged message had reached everyone (the backlog). */
  drainMs: number;
  /** Share of one core the server and the load client used over the run: which side was the bottleneck. */
  serverCpu: number;
  clientCpu: number;
}

async function measure(n: number, seconds: number, port: number): Promise<SustainedResult> {
  const target = await startTarget('ours', port);
  try {
    const { sessionId, tokens } = await prepareClass(target, n);
    const [mentor, ...students] = await connectMany(target.base, tokens);
    await joinAll([mentor!, ...students], sessionId);
    const asked = await students[0]!.request('qa:ask', { sessionId, question: 'What is the complexity?', anonymous: false });
    const poll = await mentor!.request('poll:create', { sessionId, question: 'Which?', type: 'single', options: ['A', 'B', 'C'] });
    if (!asked.ok || !poll.ok) throw new Error('setup failed');
    await new Promise((r) => setTimeout(r, 1000));

    let delivered = 0;
    const lastSeq = new Map<number, number>();
    let outOfOrder = 0;
    const chatSeen = new Array<number>(students.length).fill(0);
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    students.forEach((s, i) => {
      for (const event of ROOM_EVENTS) {
        s.on(event, (payload: { seq: number; message?: { body: string } }) => {
          delivered += 1;
          const prev = lastSeq.get(i) ?? 0;
          if (prev !== 0 && payload.seq !== prev + 1) outOfOrder += 1;
          lastSeq.set(i, payload.seq);
          if (event === 'chat:message') {
            chatSeen[i]! += 1;
            const t0 = sentAt.get(payload.message!.body);
            if (t0 !== undefined && i % Math.max(1, Math.floor(students.length / 200)) === 0) latencies.push(performance.now() - t0);
          }
        });
      }
    });
    await target.probe(); // resets the stall window
    const [serverCpu0, clientCpu0, wall0] = [target.cpuMs(), process.cpuUsage(), performance.now()];
    const pick = () => students[Math.floor(Math.random() * students.length)]!;
    let chats = 0;
    let acked = 0;
    let refused = 0;
    const start = performance.now();
    const tick = 100;
    for (let t = 0; t < (seconds * 1000) / tick; t++) {
      for (let k = 0; k < (RATES.chat * tick) / 1000; k++) {
        const body = `msg ${chats++} ${'x'.repeat(96)}`;
        sentAt.set(body, performance.now());
        void pick()
          .request('chat:send', { sessionId, body })
          .then((reply: { ok: boolean }) => {
            if (reply.ok) acked += 1;
            else refused += 1;
          });
      }
      for (let k = 0; k < (RATES.upvote * tick) / 1000; k++) void pick().request('qa:upvote', { qaId: asked.data.id });
      for (let k = 0; k < (RATES.vote * tick) / 1000; k++)
        void pick().request('poll:vote', { pollId: poll.data.id, choice: Math.floor(Math.random() * 3) });
      const next = start + (t + 1) * tick;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    const sendingEnded = performance.now();
    for (let i = 0; i < 300 && acked + refused < chats; i++) await new Promise((r) => setTimeout(r, 100));
    // Drain: wait until every acknowledged chat message reached everyone, or nothing more arrives for 5 s.
    let quietSince = performance.now();
    let seen = delivered;
    while (chatSeen.some((c) => c < acked) && performance.now() - quietSince < 5000) {
      await new Promise((r) => setTimeout(r, 200));
      if (delivered !== seen) [seen, quietSince] = [delivered, performance.now()];
    }
    const drainMs = performance.now() - sendingEnded;
    const elapsed = (performance.now() - start) / 1000;
    const wallMs = performance.now() - wall0;
    const clientUsage = process.cpuUsage(clientCpu0);
    const serverCpu = (target.cpuMs() - serverCpu0) / wallMs;
    const clientCpu = (clientUsage.user + clientUsage.system) / 1000 / wallMs;
    const { stallMs } = await target.probe();
    for (const c of [mentor!, ...students]) c.close();
    const missingChat = chatSeen.reduce((sum, got) => sum + Math.max(0, acked - got), 0);
    if (refused > 0) console.warn(`${refused} of ${chats} chat messages were refused`);
    return {
      n,
      seconds,
      deliveredPerSecond: delivered / elapsed,
      chatP99: latencies.length > 0 ? percentile(latencies, 0.99) : NaN,
      longestStallMs: stallMs,
      dropped: missingChat + outOfOrder,
      drainMs,
      serverCpu,
      clientCpu,
    };
  } finally {
    await target.stop();
  }
}

export async function runSustained(n: number, seconds: number, runs: number): Promise<SustainedResult> {
  pinSelf(1);
  const all: SustainedResult[] = [];
  for (let r = 0; r < runs; r++) all.push(await measure(n, seconds, 4700 + r));
  const result = {
    n,
    seconds,
    deliveredPerSecond: median(all.map((x) => x.deliveredPerSecond)),
    chatP99: median(all.map((x) => x.chatP99)),
    longestStallMs: Math.max(...all.map((x) => x.longestStallMs)),
    dropped: all.reduce((sum, x) => sum + x.dropped, 0),
    drainMs: median(all.map((x) => x.drainMs)),
    serverCpu: median(all.map((x) => x.serverCpu)),
    clientCpu: median(all.map((x) => x.clientCpu)),
  };
  console.log(JSON.stringify(result));
  return result;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { n: { type: 'string', default: '5000' }, seconds: { type: 'string', default: '20' }, runs: { type: 'string', default: '3' } },
  });
  const r = await runSustained(Number(values.n), Number(values.seconds), Number(values.runs));
  console.log(
    '\n| N | events/s in | delivered/s | chat p99 | longest stall | backlog drained after | dropped | server CPU | client CPU |\n|---|---|---|---|---|---|---|---|---|',
  );
  console.log(
    `| ${r.n} | 200 | ${r.deliveredPerSecond.toFixed(0)} | ${r.chatP99.toFixed(0)} ms | ${r.longestStallMs.toFixed(0)} ms | ${r.drainMs.toFixed(0)} ms | ${r.dropped} | ${(100 * r.serverCpu).toFixed(0)}% | ${(100 * r.clientCpu).toFixed(0)}% |`,
  );
}
