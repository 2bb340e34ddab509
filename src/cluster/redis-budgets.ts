import type { Redis } from 'ioredis';
import { type BudgetStore, localBudgets } from '../http/window-limiter.ts';
import type { RedisGuard } from './redis-guard.ts';

/**
 * KEYS: counter. ARGV: max, window ms. Returns { ms to wait (0 = counted), 1 if this is the first refusal }.
 * Refusals are counted too (INCR keeps the expiry), so across every node exactly one is the first of its window.
 */
const SPEND = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local max = tonumber(ARGV[1])
if n >= max then
  redis.call('INCR', KEYS[1])
  return { math.max(redis.call('PTTL', KEYS[1]), 1), n == max and 1 or 0 }
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return { 0, 0 }`;

/** KEYS: counter. ARGV: window ms. */
const RECORD = `if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return 0`;

/** KEYS: counter. ARGV: max. Returns ms to wait. */
const WAIT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return math.max(redis.call('PTTL', KEYS[1]), 1) end
return 0`;

/**
 * Budgets kept in Redis, shared by every node (fixed windows, like the local ones). While Redis is unreachable, or
 * too slow to answer within the guard's timeout, a node falls back to its own budget, so an outage or a stall
 * loosens limits by at most the number of nodes, and never blocks or slows users.
 */
export function redisBudgets(redis: Redis, guard: RedisGuard): BudgetStore {
  return (name, max, windowMs) => {
    const local = localBudgets(name, max, windowMs);
    const key = (k: string) => `sp:budget:${name}:${k}`;
    const seconds = (ms: unknown) => Math.ceil(Number(ms) / 1000);
    return {
      retryAfter: (k) => guard.run(() => redis.eval(WAIT, 1, key(k), max)).then(seconds, () => local.retryAfter(k)),
      record: (k) =>
        guard
          .run(() => redis.eval(RECORD, 1, key(k), windowMs))
          .then(
            () => {},
            () => local.record(k),
          ),
      spend: (k) =>
        guard
          .run(() => redis.eval(SPEND, 1, key(k), max, windowMs) as Promise<[number, number]>)
          .then(
            ([wait, first]) => ({ wait: seconds(wait), firstRefusal: first === 1 }),
            () => local.spend(k),
          ),
    };
  };
}
