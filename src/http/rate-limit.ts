import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { ClusterNode } from '../cluster/cluster.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { redisWithLocalFallback } from '../cluster/rest-limit-store.ts';

/**
 * Per-user limits on every /api route: keyed by the authenticated user (so users behind one NAT do not share a
 * budget), or by address on public routes. Runs after authentication (preHandler). Replies 429 with Retry-After.
 * With several nodes the counts are kept in Redis, so a budget is per user, not per user per node (per node only
 * while Redis is away).
 * The first refusal of each window is audited; the rest of a flood is not, so it cannot flood the log.
 */
export async function registerRateLimit(
  app: FastifyInstance,
  config: Config,
  audit: AuditService,
  cluster?: Pick<ClusterNode, 'redis' | 'guard'>,
  /** Counts every refusal, audited or not (the metrics). */
  onRefused?: () => void,
): Promise<void> {
  const audited = new Map<string, number>();
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowMs,
    // Several nodes count in Redis; while it is away, each node counts on its own.
    ...(cluster ? { store: redisWithLocalFallback(cluster.redis, 'sp:rest-limit:', cluster.guard) } : {}),
    allowList: (request) => !request.routeOptions.url?.startsWith('/api/'),
    keyGenerator: (request) => (request.actor ? `user:${request.actor.id}` : `ip:${request.ip}`),
    onExceeded: (request, key) => {
      onRefused?.();
      const now = Date.now();
      if ((audited.get(key) ?? 0) > now) return;
      if (audited.size >= 10_000) audited.clear();
      audited.set(key, now + config.rateLimit.windowMs);
      const target = { type: 'route', id: `${request.method} ${request.routeOptions.url}` };
      const error = new AppError('RATE_LIMITED', 'rate limit exceeded');
      audit.deny(request.actor ?? null, 'rate_limit.exceeded', target, error, request.ip).catch((err: unknown) => {
        request.log.error({ err }, 'could not audit a rate-limit refusal');
      });
    },
    errorResponseBuilder: (_request, context) => new AppError('RATE_LIMITED', `Too many requests; retry in ${context.after}`),
  });
}
