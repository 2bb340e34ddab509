import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';

/**
 * The origin people and other systems reach the service at: `PUBLIC_URL` when set, otherwise the request's own
 * (its Host header, and X-Forwarded-Proto/Host when TRUST_PROXY says the proxy in front may be believed).
 */
export function publicOrigin(config: Pick<Config, 'publicUrl'>, request: Pick<FastifyRequest, 'protocol' | 'host'>): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`;
}
