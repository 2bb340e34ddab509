/**
 * Benchmark 2, a sustained class: N students in a live session while 200 events/s arrive for `--seconds`:
 * 10 chat messages, 95 upvote toggles and 95 poll votes per second, from random students. Measured: events delivered
 * per second (every room event every client received), chat delivery latency p99 (send to receipt, sampled over 200
 * students), the server's longest event-loop stall, and that nothing was dropped: every student received every chat
 * message and every seq once, in order. Usage: node bench/sustained.ts [--n 5000] [--seconds 20] [--runs 3] [--reactions]
 *
 * `--reactions` (issue 14) adds 500 reactions/s and 10 hand raises or lowers/s from random students to the same mix.
 * Also measured then: the reaction:burst frames each student received per second (coalescing: at most 1 per node),
 * and that no reaction was lost: at sampled students the bursts' counts add up to every acknowledged reaction.
 */
import { parseArgs } from 'node:util';
import { connectMany, joinAll, prepareClass } from './lib/class.ts';
import { pinSelf, startTarget } from './lib/targets.ts';
import { ROOM_EVENTS } from '../src/realtime/protocol.ts';
import { median, percentile } from './lib/stats.ts';

const RATES = { chat: 10, upvote: 95, vote: 95 };
/** The extra mix of `--reactions`. */
const MIX = { reaction: 500, hand: 10 };
const REACTION_KINDS = ['thumbsup', 'clap', 'heart', 'laugh', 'wow', 'party'];

/** What `--reactions` adds to the result. */
export interface ReactionMixResult {
  reactionsAcked: number;
  reactionsRefused: number;
  /** reaction:burst frames a student received per second of sending (median of the sampled students). */
  burstsPerStudentPerSecond: number;
  /** Acknowledged reactions missing from the bursts' counts, summed over the sampled students. */
  reactionsLost: number;
  handActionsAcked: number;
  handActionsRefused: number;
}

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
  reactions?: ReactionMixResult;
}

async function measure(n: number, seconds: number, port: number, withReactions: boolean): Promise<SustainedResult> {
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
    // Bursts heard by a sample of students: how many frames, and the reactions they counted.
    const sampleEvery = Math.max(1, Math.floor(students.length / 200));
    const bursts = new Map<number, { frames: number; counted: number }>();
    if (withReactions) {
      students.forEach((s, i) => {
        if (i % sampleEvery !== 0) return;
        const heard = { frames: 0, counted: 0 };
        bursts.set(i, heard);
        s.on('reaction:burst', (payload: { counts: Record<string, number> }) => {
          heard.frames += 1;
          for (const c of Object.values(payload.counts)) heard.counted += c;
        });
      });
    }
    const mix = { reactionsAcked: 0, reactionsRefused: 0, handActionsAcked: 0, handActionsRefused: 0 };
    const raised = new Set<number>();
    const count =
      (ok: 'reactionsAcked' | 'handActionsAcked', no: 'reactionsRefused' | 'handActionsRefused') => (reply: { ok: boolean }) => {
        mix[reply.ok ? ok : no] += 1;
      };
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
      if (withReactions) {
        for (let k = 0; k < (MIX.reaction * tick) / 1000; k++) {
          const reaction = REACTION_KINDS[Math.floor(Math.random() * REACTION_KINDS.length)];
          void pick().request('reaction:send', { sessionId, reaction }).then(count('reactionsAcked', 'reactionsRefused'));
        }
        for (let k = 0; k < (MIX.hand * tick) / 1000; k++) {
          // Half lower a hand that is up (their own), half raise one: the queue grows slowly past its 100 listed.
          const up = raised.size > 0 && Math.random() < 0.5 ? [...raised][Math.floor(Math.random() * raised.size)]! : undefined;
          const i = up ?? Math.floor(Math.random() * students.length);
          if (up === undefined) raised.add(i);
          else raised.delete(i);
          void students[i]!.request(up === undefined ? 'hand:raise' : 'hand:lower', { sessionId }).then(
            count('handActionsAcked', 'handActionsRefused'),
          );
        }
      }
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
    // The last burst leaves up to a second after the last reaction: wait for the sampled students to count them all.
    const reactionsHeard = () => [...bursts.values()].every((b) => b.counted >= mix.reactionsAcked);
    for (let i = 0; withReactions && i < 50 && !reactionsHeard(); i++) await new Promise((r) => setTimeout(r, 100));
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
      ...(withReactions && {
        reactions: {
          ...mix,
          burstsPerStudentPerSecond: median([...bursts.values()].map((b) => b.frames)) / seconds,
          reactionsLost: [...bursts.values()].reduce((sum, b) => sum + Math.max(0, mix.reactionsAcked - b.counted), 0),
        },
      }),
    };
  } finally {
    await target.stop();
  }
}

/** The runs' mixes as one: counts summed, bursts per second the median. */
function combineMix(mixes: ReactionMixResult[]): ReactionMixResult {
  const sum = (key: Exclude<keyof ReactionMixResult, 'burstsPerStudentPerSecond'>) => mixes.reduce((n, m) => n + m[key], 0);
  return {
    reactionsAcked: sum('reactionsAcked'),
    reactionsRefused: sum('reactionsRefused'),
    burstsPerStudentPerSecond: median(mixes.map((m) => m.burstsPerStudentPerSecond)),
    reactionsLost: sum('reactionsLost'),
    handActionsAcked: sum('handActionsAcked'),
    handActionsRefused: sum('handActionsRefused'),
  };
}

export async function runSustained(n: number, seconds: number, runs: number, withReactions = false): Promise<SustainedResult> {
  pinSelf(1);
  const all: SustainedResult[] = [];
  for (let r = 0; r < runs; r++) all.push(await measure(n, seconds, 4700 + r, withReactions));
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
    ...(withReactions && { reactions: combineMix(all.flatMap((x) => (x.reactions ? [x.reactions] : []))) }),
  };
  console.log(JSON.stringify(result));
  return result;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '5000' },
      seconds: { type: 'string', default: '20' },
      runs: { type: 'string', default: '3' },
      reactions: { type: 'boolean', default: false },
    },
  });
  const r = await runSustained(Number(values.n), Number(values.seconds), Number(values.runs), values.reactions);
  console.log(
    '\n| N | events/s in | delivered/s | chat p99 | longest stall | backlog drained after | dropped | server CPU | client CPU |\n|---|---|---|---|---|---|---|---|---|',
  );
  console.log(
    `| ${r.n} | ${values.reactions ? '200 + 500 reactions + 10 hands' : '200'} | ${r.deliveredPerSecond.toFixed(0)} | ${r.chatP99.toFixed(0)} ms | ${r.longestStallMs.toFixed(0)} ms | ${r.drainMs.toFixed(0)} ms | ${r.dropped} | ${(100 * r.serverCpu).toFixed(0)}% | ${(100 * r.clientCpu).toFixed(0)}% |`,
  );
  if (r.reactions) {
    const m = r.reactions;
    console.log(
      `\nreactions: ${m.reactionsAcked} acked, ${m.reactionsRefused} refused, ${m.burstsPerStudentPerSecond.toFixed(2)} bursts per student per second, ${m.reactionsLost} lost; hands: ${m.handActionsAcked} acked, ${m.handActionsRefused} refused`,
    );
  }
}
