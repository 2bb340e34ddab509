import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Metrics } from './metrics.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** With METRICS_PORT: the separate server /metrics is served on (listening once the app listens). */
    metricsServer?: Server;
  }
}

const REFUSED = 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>';

/**
 * `Authorization: Bearer <token>`, compared in constant time: both sides are hashed first, so neither the
 * comparison nor an early length mismatch tells an attacker how much of a guess was right.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${token}`));
}

/**
 * Serves the app's metrics in Prometheus text format, and times every HTTP response by its route pattern.
 * With `port`, /metrics is on a separate server on `host` (a port a firewall keeps to the monitoring network) and
 * not on the main port; without it, on the main port behind the token. Neither path goes through JWT auth or the
 * per-user rate limit, which are for /api.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, settings: NonNullable<Config['metrics']>, host: string): void {
  app.addHook('onResponse', async (request, reply) => {
    // The pattern (`/api/live-sessions/:sessionId`), never the URL: one series per route, not per session.
    metrics.responded(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  const { token, port } = settings;
  if (port === undefined) {
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      if (token !== undefined && !bearerMatches(request.headers.authorization, token)) {
        reply.header('www-authenticate', 'Bearer');
        throw new AppError('UNAUTHENTICATED', REFUSED);
      }
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
    return;
  }
  const server = createServer((req, res) => {
    answer(req, res, metrics, token).catch((err: unknown) => {
      app.log.error({ err }, 'metrics: scrape failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  app.decorate('metricsServer', server);
  app.addHook('onListen', async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      // Fastify logs and ignores onListen errors; say which listener it was. Classes go on without metrics.
      app.log.error({ err, host, port }, 'metrics: could not listen on METRICS_PORT');
      throw err;
    });
    const address = server.address();
    app.log.info({ address }, 'metrics served on their own port at /metrics');
  });
  app.addHook('onClose', async () => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}

async function answer(req: IncomingMessage, res: ServerResponse, metrics: Metrics, token: string | undefined): Promise<void> {
  const path = req.url?.split('?')[0];
  if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Only GET /metrics is served here' } }));
    return;
  }
  if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' });
    res.end(JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: REFUSED } }));
    return;
  }
  const body = await metrics.registry.metrics();
  res.writeHead(200, { 'content-type': metrics.registry.contentType });
  res.end(req.method === 'HEAD' ? undefined : body);
}
