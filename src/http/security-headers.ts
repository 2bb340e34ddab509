import type { FastifyInstance } from 'fastify';

/**
 * The standard headers every response carries, API and web app alike, set in this one place (the web app's pages add
 * only their Content-Security-Policy, in web.ts, because it depends on CORS_ORIGINS):
 * - `X-Content-Type-Options: nosniff`: a browser takes JSON as JSON and a script as a script, never guesses.
 * - `Referrer-Policy: no-referrer`: session ids in our URLs do not leak to meeting providers or other sites.
 * - `Cross-Origin-Opener-Policy: same-origin`: a page we open (a meeting link) cannot reach back into ours.
 * - `Strict-Transport-Security` only with `hstsMaxAge` > 0 (HSTS_MAX_AGE): an operator sets it once TLS is in place,
 *   since a browser then refuses plain HTTP to this host for that long.
 * An onSend hook, so that errors, 404s and framework refusals carry them too.
 */
export function registerSecurityHeaders(app: FastifyInstance, opts: { hstsMaxAge: number }): void {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    ...(opts.hstsMaxAge > 0 ? { 'strict-transport-security': `max-age=${opts.hstsMaxAge}` } : {}),
  };
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(headers);
    return payload;
  });
}
