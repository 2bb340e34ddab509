import type { Redis } from 'ioredis';
import { type BudgetStore, localBudgets } from '../http/window-limiter.ts';

/** KEYS: counter. ARGV: max, window ms. Returns ms to wait (0 = counted). */
const SPEND = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return math.max(redis.call('PTTL', KEYS[1]), 1) end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** KEYS: counter. ARGV: window ms. */
const RECORD = `if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return 0`;

/** KEYS: counter. ARGV: max. Returns ms to wait. */
const WAIT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return math.max(redis.call('PTTL', KEYS[1]), 1) end
return 0`;

/**
 * Budgets kept in Redis, shared by every node (fixed windows, like the local ones). While Redis is unreachable a
 * node falls back to its own budget, so an outage loosens limits by at most the number of nodes, never blocks users.
 */
export function redisBudgets(redis: Redis): BudgetStore {
  return (name, max, windowMs) => {
    const local = localBudgets(name, max, windowMs);
    const key = (k: string) => `sp:budget:${name}:${k}`;
    const seconds = (ms: unknown) => Math.ceil(Number(ms) / 1000);
    return {
      retryAfter: (k) => redis.eval(WAIT, 1, key(k), max).then(seconds, () => local.retryAfter(k)),
      record: (k) => redis.eval(RECORD, 1, key(k), windowMs).then(() => {}, () => local.record(k)),
      spend: (k) => redis.eval(SPEND, 1, key(k), max, windowMs).then(seconds, () => local.spend(k)),
    };
  };
}
