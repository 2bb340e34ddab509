/**
 * `npm run bench`: runs the benchmarks and writes their results, with the machine and versions, to
 * bench/results/<date>.json: the five benchmarks of docs/performance.md and the two-node one of docs/deployment.md,
 * one after another (about an hour).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { runFanout } from './fanout.ts';
import { runJoins } from './joins.ts';
import { runMemory } from './memory.ts';
import { runSustained } from './sustained.ts';
import { runTwoNode } from './twonode.ts';
import { runVotes } from './votes.ts';

const version = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args).toString().trim().split('\n')[0];
  } catch {
    return 'unknown';
  }
};

const machine = {
  date: new Date().toISOString(),
  cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  postgres: version('psql', ['--version']),
  socketio: (await import('socket.io/package.json', { with: { type: 'json' } })).default.version,
  ws: (await import('ws/package.json', { with: { type: 'json' } })).default.version,
};
console.log(JSON.stringify(machine));
const fanout = await runFanout();
const sustained = await runSustained(5000, 20, 3);
const votes = await runVotes(5000, 3);
const joins = await runJoins(5000, 3);
const memory = await runMemory([5000], 3);
const twoNode = await runTwoNode(2000, 40, 3);
const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const file = new URL(`${machine.date.slice(0, 10)}.json`, dir);
writeFileSync(file, `${JSON.stringify({ machine, fanout, sustained, votes, joins, memory, twoNode }, null, 2)}\n`);
console.log(`\nresults: ${file.pathname}`);
