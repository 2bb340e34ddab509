import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:web` puts the web app. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * Serves the built web app at `/` (and `/launch`, where the LMS sends people with `#token=…`, and the presenter view
 * `/sessions/:id/present`). Its pages get a strict Content-Security-Policy: scripts only from this origin, so a
 * payload that slipped into the page could not run, and framing only by the LMS origins in CORS_ORIGINS. Without a build the API runs alone and `/` says how to build.
 */
export async function registerWebApp(app: FastifyInstance, frameAncestors: string[], dist = WEB_DIST): Promise<void> {
  const built = existsSync(`${dist}index.html`);
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors.length > 0 ? `'self' ${frameAncestors.join(' ')}` : "'self'"}`,
  ].join('; ');
  // The standard headers (nosniff, Referrer-Policy, …) are on every response already: security-headers.ts.
  const pageHeaders = { 'content-security-policy': csp };
  if (!built) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type('text/plain')
        .send('The web app is not built: run `npm run build:web` (npm start does it). The API is at /api, its docs at /docs.\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: dist,
    prefix: '/',
    index: 'index.html',
    wildcard: false,
    setHeaders: (res, path) => {
      if (path.endsWith('.html')) for (const [k, v] of Object.entries(pageHeaders)) res.header(k, v);
      // Vite names assets by content hash: they never change under a name.
      if (path.includes('/assets/')) res.header('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  const page = async (_req: unknown, reply: FastifyReply) => reply.headers(pageHeaders).sendFile('index.html');
  app.get('/launch', { schema: { hide: true } }, page);
  // The presenter view is a real path, so a mentor can open it directly on the screen they share (web: presenter.tsx).
  app.get('/sessions/:sessionId/present', { schema: { hide: true } }, page);
}
