/**
 * Benchmark 7, breakout rooms at scale (issue 15): N students present in a live class (Jitsi links) while the class
 * runs its usual 200 events/s (10 chat, 95 upvotes, 95 votes); the mentor opens one round of `--rooms` rooms, random
 * assignment. Every student finds their room in `breakout:opened` and joins that room's session, as the web app does.
 * Measured from the moment the open request is sent:
 * - the mentor's ack (the round, every room's session and every membership committed);
 * - when every student has been told (received breakout:opened) and when every student's join of their room was
 *   acknowledged ("every student has their room");
 * - when every room's meeting link is ready (Jitsi links are made with the room; a Google round would wait on its
 *   queue);
 * - the class's chat p99 (send to receipt, 200 sampled students) over the whole measured window, which starts 2 s
 *   before the open and ends 2 s after the close (below).
 * Then the mentor closes the round at once: the ack's time (every room ended as a class ends). The chat window
 * runs on until 2 s after that.
 * Checked: each room's size is within one of every other's, and no student is in two rooms.
 * Usage: node bench/breakouts.ts [--n 5000] [--rooms 500] [--runs 3]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BreakoutRound } from '../src/breakouts/breakouts.schemas.ts';
import { connectMany, joinAll, prepareClass } from './lib/class.ts';
import type { BreakoutHeard } from './lib/breakout-listener.ts';
import { chatBody, wallClock } from './lib/room-listener.ts';
import { median, percentile } from './lib/stats.ts';
import { pinSelf, startTarget } from './lib/targets.ts';

const RATES = { chat: 10, upvote: 95, vote: 95 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface BreakoutBenchResult {
  n: number;
  rooms: number;
  /** The round's JSON size in breakout:opened (every student receives it). */
  roundBytes: number;
  openAckMs: number;
  /** At the 200 students listening from their own process: p99 of told and of joined their room, since the open. */
  sampledToldP99Ms: number;
  sampledJoinedP99Ms: number;
  allToldMs: number;
  allJoinedMs: number;
  linksReadyMs: number;
  /** The mentor's ack of closing the round at once (every room ended, their attendance closed). */
  closeAckMs: number;
  chatP99: number;
  /** Largest room minus smallest (random assignment: at most 1). */
  sizeSpread: number;
  joinRefused: number;
  serverCpu: number;
}

async function measure(n: number, roomCount: number, port: number): Promise<BreakoutBenchResult> {
  const target = await startTarget('ours', port);
  let listeners: ChildProcess | undefined;
  try {
    const { sessionId, tokens } = await prepareClass(target, n);
    const [mentorToken, ...studentTokens] = tokens;
    const ids = studentTokens.map((_, i) => `s${i}`);
    // Every 25th student (200 of 5,000) listens from its own process: their times are what a student's device sees.
    const sampleEvery = Math.max(2, Math.floor(n / 200));
    const isSampled = (i: number) => i % sampleEvery === 0;
    const localIdx = ids.flatMap((_, i) => (isSampled(i) ? [] : [i]));
    const [mentor, ...students] = await connectMany(target.base, [mentorToken!, ...localIdx.map((i) => studentTokens[i]!)]);
    await joinAll([mentor!, ...students], sessionId);
    listeners = fork(fileURLToPath(new URL('./lib/breakout-listener.ts', import.meta.url)));
    const child = listeners;
    let apart: BreakoutHeard | undefined;
    child.on('message', (m: { heard?: BreakoutHeard }) => {
      if (m.heard) apart = m.heard;
    });
    const sampledIdx = ids.flatMap((_, i) => (isSampled(i) ? [i] : []));
    child.send({ base: target.base, sessionId, tokens: sampledIdx.map((i) => studentTokens[i]!), userIds: sampledIdx.map((i) => ids[i]!) });
    await new Promise<void>((resolve, reject) => {
      child.on('message', (m) => m === 'ready' && resolve());
      child.once('exit', (code) => reject(new Error(`the sampled students' process exited (${code})`)));
    });
    const asked = await students[0]!.request('qa:ask', { sessionId, question: 'What is the complexity?', anonymous: false });
    const poll = await mentor!.request('poll:create', { sessionId, question: 'Which?', type: 'single', options: ['A', 'B', 'C'] });
    if (!asked.ok || !poll.ok) throw new Error('setup failed');

    let told = 0;
    let joined = 0;
    let joinRefused = 0;
    let allToldAt = 0;
    let allJoinedAt = 0;
    let linksReadyAt = 0;
    let round: BreakoutRound | undefined;
    const onRoundSeen = (r: BreakoutRound) => {
      round = r;
      if (!linksReadyAt && r.rooms.every((room) => room.meeting.status === 'ready')) linksReadyAt = wallClock();
    };
    mentor!.on('breakout:opened', (p: { round: BreakoutRound }) => onRoundSeen(p.round));
    mentor!.on('breakout:updated', (p: { round: BreakoutRound }) => onRoundSeen(p.round));
    students.forEach((s, k) => {
      const userId = ids[localIdx[k]!]!;
      s.on('breakout:opened', (p: { round: BreakoutRound }) => {
        if (++told === students.length) allToldAt = wallClock();
        const mine = p.round.rooms.find((room) => room.memberIds.includes(userId));
        const settled = (ok: boolean) => {
          if (ok) joined += 1;
          else joinRefused += 1;
          if (joined + joinRefused === students.length) allJoinedAt = wallClock();
        };
        if (!mine) return settled(false);
        void s.request('session:join', { sessionId: mine.sessionId }).then((reply: { ok: boolean }) => settled(reply.ok));
      });
    });

    const pick = () => students[Math.floor(Math.random() * students.length)]!;
    let stopLoad = false;
    let chats = 0;
    const load = (async () => {
      const tick = 100;
      while (!stopLoad) {
        for (let k = 0; k < (RATES.chat * tick) / 1000; k++) void pick().request('chat:send', { sessionId, body: chatBody(chats++) });
        for (let k = 0; k < (RATES.upvote * tick) / 1000; k++) void pick().request('qa:upvote', { qaId: asked.data.id });
        for (let k = 0; k < (RATES.vote * tick) / 1000; k++)
          void pick().request('poll:vote', { pollId: poll.data.id, choice: Math.floor(Math.random() * 3) });
        await sleep(tick);
      }
    })();
    await sleep(2000);
    const windowStart = wallClock();
    const cpu0 = target.cpuMs();
    await sleep(2000);
    const t0 = wallClock();
    const opened = await mentor!.request('breakout:open', { sessionId, rooms: roomCount, assignment: 'random', durationMinutes: 30 });
    if (!opened.ok) throw new Error(`open refused: ${JSON.stringify(opened.error)}`);
    const openAckMs = wallClock() - t0;
    for (let i = 0; i < 1200 && !(allJoinedAt && linksReadyAt); i++) await sleep(50);
    if (!allJoinedAt || !linksReadyAt) throw new Error(`not done after 60 s: told ${told}, joined ${joined}, refused ${joinRefused}`);
    await sleep(2000);
    // Then everyone back: the mentor closes the round at once (every room ends as a class does).
    const t1 = wallClock();
    const closed = await mentor!.request('breakout:close', { sessionId, roundId: opened.data.round.id, now: true });
    if (!closed.ok) throw new Error(`close refused: ${JSON.stringify(closed.error)}`);
    const closeAckMs = wallClock() - t1;
    await sleep(2000);
    const windowEnd = wallClock();
    const serverCpu = (target.cpuMs() - cpu0) / (windowEnd - windowStart);
    stopLoad = true;
    await load;
    child.send('stop');
    while (!apart) await sleep(20);
    const sampled = apart;
    const sizes = (round?.rooms ?? []).map((room) => room.memberIds.length);
    const everyone = new Set((round?.rooms ?? []).flatMap((room) => room.memberIds));
    if (everyone.size !== sizes.reduce((a, b) => a + b, 0)) throw new Error('a student is in two rooms');
    for (const c of [mentor!, ...students]) c.close();
    const since = (xs: number[]) => xs.map((x) => x - t0);
    const chatLatencies = sampled.chats.filter(([sent]) => sent >= windowStart && sent <= windowEnd).map(([sent, got]) => got - sent);
    return {
      n,
      rooms: roomCount,
      roundBytes: Buffer.byteLength(JSON.stringify(round)),
      openAckMs,
      sampledToldP99Ms: percentile(since(sampled.toldAt), 0.99),
      sampledJoinedP99Ms: percentile(since(sampled.joinedAt), 0.99),
      allToldMs: Math.max(allToldAt, ...sampled.toldAt) - t0,
      allJoinedMs: Math.max(allJoinedAt, ...sampled.joinedAt) - t0,
      linksReadyMs: linksReadyAt - t0,
      closeAckMs,
      chatP99: chatLatencies.length > 0 ? percentile(chatLatencies, 0.99) : NaN,
      sizeSpread: Math.max(...sizes) - Math.min(...sizes),
      joinRefused: joinRefused + sampled.refused + (sampled.joinedAt.length + sampled.refused === sampledIdx.length ? 0 : 1),
      serverCpu,
    };
  } finally {
    listeners?.kill();
    await target.stop();
  }
}

export async function runBreakouts(n: number, rooms: number, runs: number) {
  pinSelf(1);
  const all: BreakoutBenchResult[] = [];
  for (let r = 0; r < runs; r++) all.push(await measure(n, rooms, 4800 + r));
  const med = (k: keyof BreakoutBenchResult) => median(all.map((x) => x[k]));
  const result = {
    n,
    rooms,
    roundBytes: med('roundBytes'),
    openAckMs: med('openAckMs'),
    sampledToldP99Ms: med('sampledToldP99Ms'),
    sampledJoinedP99Ms: med('sampledJoinedP99Ms'),
    allToldMs: med('allToldMs'),
    allJoinedMs: med('allJoinedMs'),
    linksReadyMs: med('linksReadyMs'),
    closeAckMs: med('closeAckMs'),
    chatP99: med('chatP99'),
    runs: all.map((x) => ({
      sampledJoinedP99Ms: Math.round(x.sampledJoinedP99Ms),
      allJoinedMs: Math.round(x.allJoinedMs),
      chatP99: Math.round(x.chatP99),
    })),
    sizeSpread: Math.max(...all.map((x) => x.sizeSpread)),
    joinRefused: all.reduce((s, x) => s + x.joinRefused, 0),
    serverCpu: med('serverCpu'),
  };
  console.log(JSON.stringify(result));
  return result;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { n: { type: 'string', default: '5000' }, rooms: { type: 'string', default: '500' }, runs: { type: 'string', default: '3' } },
  });
  const r = await runBreakouts(Number(values.n), Number(values.rooms), Number(values.runs));
  console.log(
    '\n| N | rooms | round | open acked | told (p99, sampled) | in their room (p99, sampled) | all told / all in their room (load client) | links ready | close acked | class chat p99 (sampled) | size spread | joins refused |\n|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(
    `| ${r.n} | ${r.rooms} | ${(r.roundBytes / 1024).toFixed(0)} KiB | ${ms(r.openAckMs)} | ${ms(r.sampledToldP99Ms)} | ${ms(r.sampledJoinedP99Ms)} | ${ms(r.allToldMs)} / ${ms(r.allJoinedMs)} | ${ms(r.linksReadyMs)} | ${ms(r.closeAckMs)} | ${ms(r.chatP99)} | ${r.sizeSpread} | ${r.joinRefused} |`,
  );
}
