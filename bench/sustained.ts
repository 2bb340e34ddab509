/**
 * Benchmark 2, a sustained class: N students in a live session while 200 events/s arrive for `--seconds`:
 * 10 chat messages, 95 upvote toggles and 95 poll votes per second, from random students. Measured: events delivered
 * per second (every room event every client received), chat delivery latency p99 (send to receipt, sampled over 200
 * students), the server's longest event-loop stall, and that nothing was dropped: every student received every chat
 * message and every seq once, in order. Usage: node bench/sustained.ts [--n 5000] [--seconds 20] [--runs 3] [--reactions] [--apart]
 *
 * `--reactions` (issue 14) adds 500 reactions/s and 10 hand raises or lowers/s from random students to the same mix.
 * Also measured then: the reaction:burst frames each student received per second (coalescing: at most 1 per node),
 * and that no reaction was lost: at sampled students the bursts' counts add up to every acknowledged reaction.
 *
 * `--apart` moves the 200 sampled students into a process of their own (lib/listeners-apart.ts, on the load client's
 * core): their latency is then the server's and the network's, not also the time the load client's one core took to
 * read the other 4,800 students' frames before theirs. Everything else is the same.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { connectMany, joinAll, prepareClass } from './lib/class.ts';
import { chatBody, type Heard, listen } from './lib/room-listener.ts';
import { pinSelf, startTarget } from './lib/targets.ts';
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

async function measure(n: number, seconds: number, port: number, withReactions: boolean, apart: boolean): Promise<SustainedResult> {
  const target = await startTarget('ours', port);
  let listeners: ChildProcess | undefined;
  try {
    const { sessionId, tokens } = await prepareClass(target, n);
    const [mentorToken, ...studentTokens] = tokens;
    // The same 200 students are sampled either way: every (n / 200)th (every other, at most, with --apart, so that
    // some students stay in the load client). With --apart they listen from their own process.
    const sampleEvery = Math.max(apart ? 2 : 1, Math.floor(n / 200));
    const isSampled = (_: string, i: number) => i % sampleEvery === 0;
    const local = apart ? studentTokens.filter((t, i) => !isSampled(t, i)) : studentTokens;
    const [mentor, ...students] = await connectMany(target.base, [mentorToken!, ...local]);
    await joinAll([mentor!, ...students], sessionId);
    let apartHeard: Heard | undefined;
    let apartProgress = { delivered: 0, minSeen: 0, bursts: [] as Heard['bursts'] };
    if (apart) {
      listeners = fork(fileURLToPath(new URL('./lib/listeners-apart.ts', import.meta.url)));
      const child = listeners;
      child.on('message', (m: { progress?: typeof apartProgress; heard?: Heard }) => {
        if (m.progress) apartProgress = m.progress;
        if (m.heard) apartHeard = m.heard;
      });
      child.send({ base: target.base, sessionId, tokens: studentTokens.filter(isSampled) });
      await new Promise<void>((resolve, reject) => {
        child.on('message', (m) => m === 'ready' && resolve());
        child.once('exit', (code) => reject(new Error(`the sampled students' process exited (${code})`)));
      });
    }
    const asked = await students[0]!.request('qa:ask', { sessionId, question: 'What is the complexity?', anonymous: false });
    const poll = await mentor!.request('poll:create', { sessionId, question: 'Which?', type: 'single', options: ['A', 'B', 'C'] });
    if (!asked.ok || !poll.ok) throw new Error('setup failed');
    await new Promise((r) => setTimeout(r, 1000));

    const heard = listen(students, apart ? 0 : sampleEvery);
    const sampledBursts = () => (apart ? apartProgress.bursts : heard.bursts);
    const delivered = () => heard.delivered + apartProgress.delivered;
    const everyoneHas = (count: number) => heard.chatSeen.every((c) => c >= count) && (!apart || apartProgress.minSeen >= count);
    const askProgress = () => listeners?.send('progress');
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
        const body = chatBody(chats++);
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
    let seen = delivered();
    askProgress();
    while (!everyoneHas(acked) && performance.now() - quietSince < 5000) {
      await new Promise((r) => setTimeout(r, 200));
      askProgress();
      if (delivered() !== seen) [seen, quietSince] = [delivered(), performance.now()];
    }
    const drainMs = performance.now() - sendingEnded;
    // The last burst leaves up to a second after the last reaction: wait for the sampled students to count them all.
    const reactionsHeard = () => sampledBursts().every((b) => b.counted >= mix.reactionsAcked);
    for (let i = 0; withReactions && i < 50 && !reactionsHeard(); i++) {
      askProgress();
      await new Promise((r) => setTimeout(r, 100));
    }
    const elapsed = (performance.now() - start) / 1000;
    const wallMs = performance.now() - wall0;
    const clientUsage = process.cpuUsage(clientCpu0);
    const serverCpu = (target.cpuMs() - serverCpu0) / wallMs;
    const clientCpu = (clientUsage.user + clientUsage.system) / 1000 / wallMs;
    const { stallMs } = await target.probe();
    for (const c of [mentor!, ...students]) c.close();
    if (listeners) {
      listeners.send('stop');
      while (!apartHeard) await new Promise((r) => setTimeout(r, 20));
    }
    const all: Heard[] = apartHeard ? [heard, apartHeard] : [heard];
    const missingChat = all.flatMap((h) => h.chatSeen).reduce((sum, got) => sum + Math.max(0, acked - got), 0);
    const latencies = all.flatMap((h) => h.latencies);
    const bursts = all.flatMap((h) => h.bursts);
    const outOfOrder = all.reduce((sum, h) => sum + h.outOfOrder, 0);
    if (refused > 0) console.warn(`${refused} of ${chats} chat messages were refused`);
    return {
      n,
      seconds,
      deliveredPerSecond: all.reduce((sum, h) => sum + h.delivered, 0) / elapsed,
      chatP99: latencies.length > 0 ? percentile(latencies, 0.99) : NaN,
      longestStallMs: stallMs,
      dropped: missingChat + outOfOrder,
      drainMs,
      serverCpu,
      clientCpu,
      ...(withReactions && {
        reactions: {
          ...mix,
          burstsPerStudentPerSecond: median(bursts.map((b) => b.frames)) / seconds,
          reactionsLost: bursts.reduce((sum, b) => sum + Math.max(0, mix.reactionsAcked - b.counted), 0),
        },
      }),
    };
  } finally {
    listeners?.kill();
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

export async function runSustained(
  n: number,
  seconds: number,
  runs: number,
  withReactions = false,
  apart = false,
): Promise<SustainedResult> {
  pinSelf(1);
  const all: SustainedResult[] = [];
  for (let r = 0; r < runs; r++) all.push(await measure(n, seconds, 4700 + r, withReactions, apart));
  const result = {
    n,
    seconds,
    deliveredPerSecond: median(all.map((x) => x.deliveredPerSecond)),
    chatP99: median(all.map((x) => x.chatP99)),
    chatP99Runs: all.map((x) => Math.round(x.chatP99)),
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
      apart: { type: 'boolean', default: false },
    },
  });
  const r = await runSustained(Number(values.n), Number(values.seconds), Number(values.runs), values.reactions, values.apart);
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
