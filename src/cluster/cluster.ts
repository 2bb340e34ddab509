import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import type { PresenceMirror } from '../attendance/presence-mirror.ts';
import type { BudgetStore } from '../http/window-limiter.ts';
import { connectRedis, redactedUrl } from './redis.ts';
import { createRedisGuard, type RedisGuard } from './redis-guard.ts';
import { redisBudgets } from './redis-budgets.ts';
import { createRedisPresence } from './redis-presence.ts';

/** What nodes tell each other, beside Socket.IO's own adapter traffic. */
export type ClusterMessage = 'sp:events' | 'sp:roster-changed' | 'sp:roster-removed' | 'sp:reaction-burst' | 'sp:session-removed';

export interface ClusterNode {
  /** Puts the Redis adapter under this node's Socket.IO server; `tell` and `on` work from then on. */
  attach(io: Server): void;
  budgets: BudgetStore;
  presence: PresenceMirror;
  /** Tells every other node (fire and forget: whatever Redis loses, the periodic heal makes good). */
  tell(message: ClusterMessage, ...args: unknown[]): void;
  /** Runs `handler` on a message from another node. */
  on(message: ClusterMessage, handler: (...args: never[]) => void): void;
  /** Runs `heal` every `resyncMs` and at once whenever Redis comes back after an outage (`afterOutage`: only then). */
  heal(heal: () => Promise<void>, opts?: { afterOutage: boolean }): void;
  /**
   * The node is leaving: no heal starts from now on, and those under way are waited for (at most `waitMs`), so that
   * what the node clears next (its part of the presence mirror) no heal writes back.
   */
  quiesce(waitMs: number): Promise<void>;
  /** The command connection, for the REST rate limiter's store. */
  redis: Redis;
  /** Bounds the Redis calls a request or an action waits on (the budgets, the presence mirror, the REST store). */
  guard: RedisGuard;
  close(): Promise<void>;
}

/**
 * Joins this node to the cluster through Redis: the Socket.IO Redis adapter (pub/sub) for fetchSockets, rooms and
 * messages between nodes; Redis-kept rate budgets; the presence mirror. Pub/sub, not streams: a node's delivery does
 * not rely on Redis keeping anything, because every event is in the PostgreSQL log and nodes read what they missed
 * from it (a gap, a Redis restart, the periodic heal), so the streams adapter's replay would only duplicate that.
 */
export async function joinCluster(config: { redisUrl: string; resyncMs: number }, log: FastifyBaseLogger): Promise<ClusterNode> {
  const nodeId = randomUUID();
  const pub = await connectRedis(config.redisUrl, `skill-probe-live:${nodeId}`);
  const sub = await connectRedis(config.redisUrl, `skill-probe-live:${nodeId}:sub`);
  let io: Server | undefined;
  const attached = () => {
    if (!io) throw new Error('attach() the Socket.IO server first');
    return io;
  };

  // Each heal has its own guard: a slow one (a big resync) must not hold back the presence refresh, whose TTL runs.
  const heals: { run: () => void; afterOutage: boolean; underWay: () => Promise<void> | undefined }[] = [];
  let quiesced = false;
  const runHeal = (outage: boolean) => {
    if (quiesced) return;
    for (const heal of heals) if (outage || !heal.afterOutage) heal.run();
  };
  let lost = false;
  let closing = false;
  pub.on('close', () => {
    if (!lost && !closing)
      log.warn({ redis: redactedUrl(config.redisUrl) }, 'lost Redis; classes go on, each node on its own, until it is back');
    lost = true;
  });
  pub.on('ready', () => {
    if (!lost) return;
    lost = false;
    log.info('Redis is back; resyncing presence and class events');
    runHeal(true);
  });
  // A stall is not a disconnect ('close' never fires): what actions skipped meanwhile is mended the same way.
  const guard = createRedisGuard({
    onSlow: () =>
      log.warn({ redis: redactedUrl(config.redisUrl) }, 'Redis is slow; classes go on, each node on its own, until it answers in time'),
    onBack: () => {
      log.info('Redis answers in time again; resyncing presence and class events');
      runHeal(true);
    },
  });
  const timer = setInterval(() => runHeal(false), config.resyncMs);
  timer.unref();
  log.info({ nodeId, redis: redactedUrl(config.redisUrl) }, 'joined the cluster');

  return {
    attach(server) {
      io = server;
      io.adapter(createAdapter(quietPublisher(pub, log), sub, { key: 'sp', requestsTimeout: 3000 }));
    },
    budgets: redisBudgets(pub, guard),
    // A node is dead to the others once it has missed three heals.
    presence: createRedisPresence(pub, nodeId, config.resyncMs * 3, guard),
    tell: (message, ...args) => attached().serverSideEmit(message, ...args),
    on: (message, handler) => attached().on(message as never, handler as never),
    heal(heal, opts) {
      let running: Promise<void> | undefined;
      // A failed heal is logged and runs again at the next interval (or when Redis comes back).
      const run = () => {
        running ??= heal()
          .catch((err: unknown) => log.warn({ err }, 'cluster heal failed'))
          .finally(() => (running = undefined));
      };
      heals.push({ run, afterOutage: opts?.afterOutage ?? false, underWay: () => running });
    },
    async quiesce(waitMs) {
      quiesced = true;
      clearInterval(timer);
      const underWay = heals.map((h) => h.underWay()).filter((p) => p !== undefined);
      if (underWay.length === 0) return;
      let timeout: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.all(underWay).then(() => true),
        new Promise<false>((resolve) => {
          timeout = setTimeout(() => resolve(false), waitMs);
        }),
      ]);
      clearTimeout(timeout);
      // What it would still write, the presence mirror ignores once the node has left it (presence.leaveMirror).
      if (!finished) log.warn({ waitMs, underWay: underWay.length }, 'leaving the cluster with a heal still under way');
    },
    redis: pub,
    guard,
    async close() {
      closing = true;
      clearInterval(timer);
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/**
 * The adapter publishes without handling a failure; while Redis is away that would be an unhandled rejection. What a
 * lost message carried is made good by the periodic heal (events are reread from the log), and the outage itself is
 * logged once above, so each lost message is only worth a debug line.
 */
function quietPublisher(redis: Redis, log: FastifyBaseLogger): Redis {
  return new Proxy(redis, {
    get(target, prop) {
      if (prop === 'publish') {
        return (...args: Parameters<Redis['publish']>) =>
          target.publish(...args).catch((err: unknown) => {
            log.debug({ err, channel: String(args[0]) }, 'Redis publish failed; the next heal makes good what it carried');
            return 0;
          });
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
