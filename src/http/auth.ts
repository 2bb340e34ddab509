import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, Claims } from '../auth/actor.ts';
import type { VerifyToken } from '../auth/tokens.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Db } from '../db/kysely.ts';
import { AppError } from '../errors.ts';
import { upsertUserFromClaims } from '../users/users.repo.ts';
import type { WindowLimiter } from './window-limiter.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; set on every non-public /api route. */
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** A public /api route (demo sign-in) skips authentication. */
    public?: boolean;
  }
}

const KNOWN_USERS_CAP = 50_000;

/**
 * `Authorization: Bearer <JWT>` on every /api route. The user row is refreshed from the claims only when they
 * differ from what this process last wrote, so steady traffic does not write on every request.
 */
export function registerAuth(
  app: FastifyInstance,
  deps: { db: Db; verify: VerifyToken; audit: AuditService; failures: WindowLimiter },
): void {
  const known = new Map<string, string>();

  async function rememberUser(claims: Claims) {
    const fingerprint = `${claims.name}\u0000${claims.email ?? ''}\u0000${claims.role}`;
    if (known.get(claims.sub) === fingerprint) return;
    await upsertUserFromClaims(deps.db, claims);
    if (known.size >= KNOWN_USERS_CAP) known.clear();
    known.set(claims.sub, fingerprint);
  }

  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (!route?.startsWith('/api/') || request.routeOptions.config.public) return;
    try {
      const claims = await deps.verify(bearerToken(request));
      await rememberUser(claims);
      request.actor = { id: claims.sub, name: claims.name, role: claims.role, email: claims.email ?? null, ip: request.ip };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Valid tokens always pass; only an address that keeps failing is slowed, before it floods the audit log.
      const wait = deps.failures.retryAfter(request.ip);
      if (wait > 0) {
        reply.header('retry-after', wait);
        throw new AppError('RATE_LIMITED', `Too many failed authentications from this address; retry in ${wait} s`);
      }
      if (err.status === 401) deps.failures.record(request.ip);
      const target = { type: 'route', id: `${request.method} ${route}` };
      throw await deps.audit.deny(null, 'auth.reject', target, err, request.ip);
    }
  });
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new AppError('UNAUTHENTICATED', 'Send an Authorization: Bearer <token> header');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>"');
  return match[1];
}
