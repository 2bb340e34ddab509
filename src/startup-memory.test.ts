import assert from 'node:assert/strict';
import { getHeapSpaceStatistics } from 'node:v8';
import { test } from 'node:test';
import { releaseStartupMemory } from './startup-memory.ts';

const youngMiB = () => (getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0) / 2 ** 20;

test('after a start-up that churned through garbage, the young generation shrinks back; gc stays hidden', () => {
  // Like opening PGlite: many short-lived objects, some surviving a while, grow the young generation.
  let kept: string[][] = [];
  for (let i = 0; i < 200; i++) {
    kept.push(new Array(20_000).fill(i).map(String));
    if (kept.length > 20) kept = [];
  }
  const before = youngMiB();
  assert.ok(before > 4, `the churn grew the young generation (${before} MiB)`);
  releaseStartupMemory();
  assert.ok(youngMiB() < before / 2, `young generation ${youngMiB()} MiB, was ${before} MiB`);
  assert.equal((globalThis as { gc?: unknown }).gc, undefined, 'the app never sees a global gc');
});
