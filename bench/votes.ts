/**
 * Benchmark 3, vote burst: 5,000 students in a live class vote on one poll at once (the load client sends all votes as
 * fast as it can, well within 2 s). Measured: the time from the first vote sent until the last is acknowledged (acks
 * follow the commit, so that is "all persisted"), ack p50/p99, and whether the tally is exact, against the floor for
 * persisting the same rows: one `INSERT … SELECT unnest(…)`. Usage: node bench/votes.ts [--n 5000] [--runs 3]
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { connectMany, joinAll, prepareClass } from './lib/class.ts';
import { pinSelf, startTarget } from './lib/targets.ts';
import { median, percentile } from './lib/stats.ts';

export interface VoteResult {
  n: number;
  allPersistedMs: number;
  ackP50: number;
  ackP99: number;
  singleInsertMs: number;
  tallyExact: boolean;
}

async function measure(n: number, port: number): Promise<VoteResult> {
  const target = await startTarget('ours', port);
  const db = new pg.Client({ connectionString: target.databaseUrl });
  try {
    const { sessionId, tokens } = await prepareClass(target, n);
    const [mentor, ...students] = await connectMany(target.base, tokens);
    await joinAll([mentor!, ...students], sessionId);
    const poll = async () => {
      const created = await mentor!.request('poll:create', { sessionId, question: 'Which?', type: 'single', options: ['A', 'B', 'C'] });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      return created.data.id as string;
    };
    const pollId = await poll();
    const acks: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      students.map(async (s, i) => {
        const sent = performance.now();
        const reply = await s.request('poll:vote', { pollId, choice: i % 3 });
        if (!reply.ok) throw new Error(JSON.stringify(reply.error));
        acks.push(performance.now() - sent);
      }),
    );
    const allPersistedMs = performance.now() - t0;

    await db.connect();
    const { rows } = await db.query<{ choice: number; votes: string }>('SELECT choice::int AS choice, count(*) AS votes FROM poll_responses WHERE poll_id = $1 GROUP BY 1', [pollId]);
    const counts = [0, 1, 2].map((c) => Number(rows.find((r) => r.choice === c)?.votes ?? 0));
    const expected = [0, 1, 2].map((c) => students.filter((_, i) => i % 3 === c).length);
    // The floor: the same rows for a second poll, in one statement.
    const second = await poll();
    const users = students.map((_, i) => `s${i}`);
    const choices = users.map((_, i) => JSON.stringify(i % 3));
    const s0 = performance.now();
    await db.query('INSERT INTO poll_responses (poll_id, user_id, choice) SELECT $1, u, c FROM unnest($2::text[], $3::jsonb[]) AS t(u, c)', [second, users, choices]);
    const singleInsertMs = performance.now() - s0;
    for (const c of [mentor!, ...students]) c.close();
    const at = (q: number) => percentile(acks, q);
    return { n, allPersistedMs, ackP50: at(0.5), ackP99: at(0.99), singleInsertMs, tallyExact: counts.every((c, i) => c === expected[i]) };
  } finally {
    await db.end().catch(() => undefined);
    await target.stop();
  }
}

export async function runVotes(n: number, runs: number): Promise<VoteResult> {
  pinSelf(1);
  const all: VoteResult[] = [];
  for (let r = 0; r < runs; r++) all.push(await measure(n, 4500 + r));
  const result = {
    n,
    allPersistedMs: median(all.map((x) => x.allPersistedMs)),
    ackP50: median(all.map((x) => x.ackP50)),
    ackP99: median(all.map((x) => x.ackP99)),
    singleInsertMs: median(all.map((x) => x.singleInsertMs)),
    tallyExact: all.every((x) => x.tallyExact),
  };
  console.log(JSON.stringify(result));
  return result;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { n: { type: 'string', default: '5000' }, runs: { type: 'string', default: '3' } } });
  const r = await runVotes(Number(values.n), Number(values.runs));
  console.log(`\n| N | all persisted | ack p50 | ack p99 | single INSERT … unnest | ratio | tally exact |\n|---|---|---|---|---|---|---|`);
  console.log(`| ${r.n} | ${r.allPersistedMs.toFixed(0)} ms | ${r.ackP50.toFixed(0)} ms | ${r.ackP99.toFixed(0)} ms | ${r.singleInsertMs.toFixed(1)} ms | ${(r.allPersistedMs / r.singleInsertMs).toFixed(1)}× | ${r.tallyExact ? 'yes' : 'NO'} |`);
}
