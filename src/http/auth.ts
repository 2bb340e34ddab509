import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.ts';
import type { VerifyToken } from '../auth/tokens.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { AppError } from '../errors.ts';
import type { RecordUser } from '../users/user-recorder.ts';
import type { Budget } from './window-limiter.ts';

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

/** `Authorization: Bearer <JWT>` on every /api route; the caller becomes `request.actor`. */
export function registerAuth(
  app: FastifyInstance,
  deps: { verify: VerifyToken; recordUser: RecordUser; audit: AuditService; failures: Budget },
): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (!route?.startsWith('/api/') || request.routeOptions.config.public) return;
    try {
      const claims = await deps.verify(bearerToken(request));
      await deps.recordUser(claims);
      request.actor = { id: claims.sub, name: claims.name, role: claims.role, email: claims.email ?? null, ip: request.ip };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Valid tokens always pass; only an address that keeps failing is slowed, before it floods the audit log.
      const wait = await deps.failures.retryAfter(request.ip);
      if (wait > 0) {
        reply.header('retry-after', wait);
        throw new AppError('RATE_LIMITED', `Too many failed authentications from this address; retry in ${wait} s`);
      }
      if (err.status === 401) await deps.failures.record(request.ip);
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
