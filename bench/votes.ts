/**
 * Benchmark 3, vote burst: 5,000 students in a live class vote on one single-choice poll, in two shapes.
 * - **burst**: every vote sent at once, as fast as the load client can. Measured: the time from the first vote sent
 *   until the last is acknowledged (acks follow the commit, so that is "all persisted"), against the floor for
 *   persisting the same rows: one `INSERT … SELECT unnest(…)`, timed on a quiet server (median of 3, fresh poll each).
 *   The same burst against a bare Socket.IO server that acks without doing anything is the transport's own floor.
 * - **paced**: the 5,000 votes spread evenly over 2 s (2,500 a second, everyone voting within two seconds of the
 *   poll opening). Measured: ack p50/p99 and the time after the last vote until all are persisted.
 * In both, the tally must be exact. Usage: node bench/votes.ts [--n 5000] [--runs 3] [--spread-ms 2000]
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { connectMany, joinAll, prepareClass } from './lib/class.ts';
import type { SioClient } from './lib/sio-client.ts';
import { pinSelf, startTarget, type TargetKind } from './lib/targets.ts';
import { median, percentile } from './lib/stats.ts';

export interface Shape {
  /** From the first vote sent until the last ack. */
  allPersistedMs: number;
  /** From the last vote sent until the last ack. */
  afterLastMs: number;
  ackP50: number;
  ackP99: number;
}

export interface VoteResult {
  n: number;
  spreadMs: number;
  burst: Shape;
  paced: Shape;
  /** The bare Socket.IO server's burst: receiving 5,000 events and acking each, nothing else. */
  socketioBurstMs: number;
  singleInsertMs: number;
  tallyExact: boolean;
}

/** Sends one vote per student, all at once (spreadMs 0) or evenly over spreadMs; resolves when every ack is in. */
async function cast(students: SioClient[], pollId: string, spreadMs: number): Promise<Shape> {
  const acks: number[] = [];
  const t0 = performance.now();
  let lastSent = t0;
  const one = async (s: SioClient, i: number) => {
    if (spreadMs > 0) await sleep(Math.max(0, t0 + (i * spreadMs) / students.length - performance.now()));
    const sent = performance.now();
    lastSent = Math.max(lastSent, sent);
    const reply = await s.request('poll:vote', { pollId, choice: i % 3 });
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    acks.push(performance.now() - sent);
  };
  await Promise.all(students.map(one));
  const end = performance.now();
  return { allPersistedMs: end - t0, afterLastMs: end - lastSent, ackP50: percentile(acks, 0.5), ackP99: percentile(acks, 0.99) };
}

async function withClass<T>(
  kind: TargetKind,
  n: number,
  port: number,
  body: (mentor: SioClient, students: SioClient[], sessionId: string, databaseUrl?: string) => Promise<T>,
): Promise<T> {
  const target = await startTarget(kind, port);
  try {
    const { sessionId, tokens } = await prepareClass(target, n);
    const [mentor, ...students] = await connectMany(target.base, tokens);
    await joinAll([mentor!, ...students], sessionId);
    try {
      return await body(mentor!, students, sessionId, target.databaseUrl);
    } finally {
      for (const c of [mentor!, ...students]) c.close();
    }
  } finally {
    await target.stop();
  }
}

async function measure(n: number, spreadMs: number, port: number): Promise<VoteResult> {
  const socketioBurstMs = await withClass('socketio', n, port, async (_m, students) => (await cast(students, 'p', 0)).allPersistedMs);
  return withClass('ours', n, port + 1, async (mentor, students, sessionId, databaseUrl) => {
    const poll = async () => {
      const created = await mentor.request('poll:create', { sessionId, question: 'Which?', type: 'single', options: ['A', 'B', 'C'] });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      return created.data.id as string;
    };
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const tally = async (pollId: string) => {
        const { rows } = await db.query<{ choice: number; votes: string }>(
          'SELECT choice::int AS choice, count(*) AS votes FROM poll_responses WHERE poll_id = $1 GROUP BY 1',
          [pollId],
        );
        const counts = [0, 1, 2].map((c) => Number(rows.find((r) => r.choice === c)?.votes ?? 0));
        return counts.every((c, i) => c === students.filter((_, k) => k % 3 === i).length);
      };
      const burstPoll = await poll();
      const burst = await cast(students, burstPoll, 0);
      await sleep(1500);
      const pacedPoll = await poll();
      const paced = await cast(students, pacedPoll, spreadMs);
      const tallyExact = (await tally(burstPoll)) && (await tally(pacedPoll));
      // The floor, on a quiet server: the same rows for a fresh poll, in one statement.
      await sleep(1500);
      const users = students.map((_, i) => `s${i}`);
      const choices = users.map((_, i) => JSON.stringify(i % 3));
      const inserts: number[] = [];
      for (let r = 0; r < 3; r++) {
        const pollId = await poll();
        await sleep(500);
        const s0 = performance.now();
        await db.query(
          'INSERT INTO poll_responses (poll_id, user_id, choice) SELECT $1, u, c FROM unnest($2::text[], $3::jsonb[]) AS t(u, c)',
          [pollId, users, choices],
        );
        inserts.push(performance.now() - s0);
      }
      return { n, spreadMs, burst, paced, socketioBurstMs, singleInsertMs: median(inserts), tallyExact };
    } finally {
      await db.end().catch(() => undefined);
    }
  });
}

const medianShape = (xs: Shape[]): Shape => ({
  allPersistedMs: median(xs.map((x) => x.allPersistedMs)),
  afterLastMs: median(xs.map((x) => x.afterLastMs)),
  ackP50: median(xs.map((x) => x.ackP50)),
  ackP99: median(xs.map((x) => x.ackP99)),
});

export async function runVotes(n: number, runs: number, spreadMs = 2000): Promise<VoteResult> {
  pinSelf(1);
  const all: VoteResult[] = [];
  for (let r = 0; r < runs; r++) {
    all.push(await measure(n, spreadMs, 4500 + 2 * r));
    console.error(JSON.stringify(all.at(-1)));
  }
  const result: VoteResult = {
    n,
    spreadMs,
    burst: medianShape(all.map((x) => x.burst)),
    paced: medianShape(all.map((x) => x.paced)),
    socketioBurstMs: median(all.map((x) => x.socketioBurstMs)),
    singleInsertMs: median(all.map((x) => x.singleInsertMs)),
    tallyExact: all.every((x) => x.tallyExact),
  };
  console.log(JSON.stringify(result));
  return result;
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '5000' },
      runs: { type: 'string', default: '3' },
      'spread-ms': { type: 'string', default: '2000' },
    },
  });
  const r = await runVotes(Number(values.n), Number(values.runs), Number(values['spread-ms']));
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  console.log(`\n| N | shape | all persisted | after the last vote | ack p50 | ack p99 | tally exact |\n|---|---|---|---|---|---|---|`);
  for (const [name, s] of [
    ['burst', r.burst],
    [`paced over ${r.spreadMs} ms`, r.paced],
  ] as const) {
    console.log(
      `| ${r.n} | ${name} | ${ms(s.allPersistedMs)} | ${ms(s.afterLastMs)} | ${ms(s.ackP50)} | ${ms(s.ackP99)} | ${r.tallyExact ? 'yes' : 'NO'} |`,
    );
  }
  console.log(
    `\nSingle INSERT … unnest of ${r.n} rows: ${r.singleInsertMs.toFixed(1)} ms; burst all persisted vs that: ${(r.burst.allPersistedMs / r.singleInsertMs).toFixed(2)}×.`,
  );
  console.log(
    `Bare Socket.IO, receiving and acking the same burst: ${ms(r.socketioBurstMs)}; ours vs that: ${(r.burst.allPersistedMs / r.socketioBurstMs).toFixed(2)}×.`,
  );
}
