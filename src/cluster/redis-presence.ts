import type { Redis } from 'ioredis';
import type { Person } from '../attendance/presence-rooms.ts';
import type { PresenceMirror } from '../attendance/presence-mirror.ts';
import type { RedisGuard } from './redis-guard.ts';

/**
 * The presence mirror in Redis. Each node keeps one hash per session it has people in (user id → person), expiring
 * unless refreshed, so a dead node's people drop out by themselves; a set per session names the nodes with a hash.
 * The scripts run atomically, so "write mine, then read the others'" is one step.
 */
const KEY = 'sp:presence:';

/** KEYS: nodes set, my hash. ARGV: hash prefix, my node, ttl ms, user id, [person json]. Returns 1 if elsewhere. */
const CHANGE = `
local nodes, mine, prefix, me, ttl, user = KEYS[1], KEYS[2], ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
if ARGV[5] then
  redis.call('HSET', mine, user, ARGV[5])
  redis.call('PEXPIRE', mine, ttl)
  redis.call('SADD', nodes, me)
  redis.call('PEXPIRE', nodes, ttl)
else
  redis.call('HDEL', mine, user)
end
for _, node in ipairs(redis.call('SMEMBERS', nodes)) do
  if node ~= me then
    local other = prefix .. node
    if redis.call('EXISTS', other) == 0 then redis.call('SREM', nodes, node)
    elseif redis.call('HEXISTS', other, user) == 1 then return 1 end
  end
end
return 0`;

/** KEYS: nodes set. ARGV: hash prefix, my node. Returns the other nodes' person json values. */
const OTHERS = `
local out = {}
for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if node ~= ARGV[2] then
    for _, v in ipairs(redis.call('HVALS', ARGV[1] .. node)) do out[#out + 1] = v end
  end
end
return out`;

/**
 * `add`, `remove` and `others` are on a join's or a leave's path, so they go through the guard: a slow Redis makes
 * them fail fast, and presence goes on as when Redis is down. `refresh` is the heal that mends what they missed (it
 * runs as soon as Redis answers in time again), so it waits as long as Redis needs.
 */
export function createRedisPresence(redis: Redis, nodeId: string, ttlMs: number, guard: RedisGuard): PresenceMirror {
  const keys = (sessionId: string) => ({
    nodes: `${KEY}${sessionId}:nodes`,
    prefix: `${KEY}${sessionId}:`,
    mine: `${KEY}${sessionId}:${nodeId}`,
  });
  const change = async (sessionId: string, userId: string, person?: Person) => {
    const k = keys(sessionId);
    const args = [k.prefix, nodeId, String(ttlMs), userId, ...(person ? [JSON.stringify(person)] : [])];
    return (await guard.run(() => redis.eval(CHANGE, 2, k.nodes, k.mine, ...args))) === 1;
  };

  return {
    add: (sessionId, person) => change(sessionId, person.id, person),
    remove: (sessionId, userId) => change(sessionId, userId),

    async others(sessionId) {
      const k = keys(sessionId);
      const values = (await guard.run(() => redis.eval(OTHERS, 1, k.nodes, k.prefix, nodeId))) as string[];
      return values.map((v) => JSON.parse(v) as Person);
    },

    async refresh(held) {
      const batch = redis.multi();
      for (const [sessionId, people] of held) {
        const k = keys(sessionId);
        batch.del(k.mine);
        if (people.length === 0) continue;
        batch.hset(k.mine, Object.fromEntries(people.map((p) => [p.id, JSON.stringify(p)])));
        batch.pexpire(k.mine, ttlMs);
        batch.sadd(k.nodes, nodeId);
        batch.pexpire(k.nodes, ttlMs);
      }
      await batch.exec();
    },
  };
}
