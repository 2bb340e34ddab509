import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../db/kysely.ts';
import { findSessionIdByJoinCode } from './sessions.repo.ts';

const joinCode = z.string().regex(/^[0-9a-f]{10}$/i);

/**
 * `/j/:code`, the short join link the presenter view shows beside its QR code: it sends the browser to the class page,
 * where the usual sign-in and roster checks apply. The code only names a class; it grants nothing.
 */
export function joinLinkRoutes(db: Db): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/j/:code', { schema: { hide: true, params: z.object({ code: z.string() }) } }, async (req, reply) => {
      const code = joinCode.safeParse(req.params.code);
      const sessionId = code.success ? await findSessionIdByJoinCode(db, code.data) : undefined;
      if (!sessionId) {
        return reply
          .code(404)
          .type('text/plain; charset=utf-8')
          .send(`No class has the join code "${req.params.code.slice(0, 40)}". Check the code on the presenter screen.\n`);
      }
      return reply.redirect(`/#/sessions/${encodeURIComponent(sessionId)}`, 302);
    });
  };
}
