import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/kysely.ts';
import type { OutageLog } from '../db/outage.ts';

const health = z.object({ status: z.enum(['ok', 'unavailable']), database: z.enum(['ok', 'unreachable']) });

/**
 * Liveness and readiness in one: 200 when the database answers, 503 when it does not. A load balancer polls this
 * every few seconds, so an outage is logged once per episode (`outage`), not once per check.
 */
export function healthRoutes(db: Db, outage: OutageLog): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', {
      schema: { tags: ['Operations'], summary: 'Health check (database included)', security: [], response: { 200: health, 503: health } },
      handler: async (req, reply) => {
        try {
          await sql`SELECT 1`.execute(db);
          outage.recovered();
          return { status: 'ok' as const, database: 'ok' as const };
        } catch (err) {
          if (!outage.report(err)) req.log.error({ err }, 'health check: database unreachable');
          return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
        }
      },
    });
  };
}
