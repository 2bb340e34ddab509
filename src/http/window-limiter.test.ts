import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { localBudgets } from './window-limiter.ts';

describe('budgets kept in this process', () => {
  test('a flood is refused once the budget is spent, and only its first refusal of each window is flagged for the audit', async () => {
    const budget = localBudgets('chat', 2, 300);
    const spent = [];
    for (let i = 0; i < 5; i++) spent.push(await budget.spend('u1'));
    assert.deepEqual(
      spent.map((s) => s.wait > 0),
      [false, false, true, true, true],
    );
    assert.deepEqual(
      spent.map((s) => s.firstRefusal),
      [false, false, true, false, false],
    );
    assert.equal((await budget.spend('u2')).wait, 0, 'another key has its own budget');
    await sleep(350);
    const next = [];
    for (let i = 0; i < 4; i++) next.push(await budget.spend('u1'));
    assert.deepEqual(
      next.map((s) => s.firstRefusal),
      [false, false, true, false],
      'the next window has its own first refusal',
    );
  });
});
