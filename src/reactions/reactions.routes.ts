import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import { reactionAcceptedSchema, reactionReportSchema, reactionSendBody } from './reactions.schemas.ts';
import type { ReactionsService } from './reactions.service.ts';

const tags = ['Reactions'];
const errors = { ...commonErrors, 404: errorResponse, 409: errorResponse };

/** The REST twin of reaction:send, and a class's reactions per minute. */
export function reactionsRoutes(reactions: ReactionsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/live-sessions/:sessionId/reactions', {
      schema: {
        tags,
        summary: 'Send a reaction (members, while the class is live); the room hears it in the next reaction:burst',
        params: sessionParams,
        querystring: noQuery,
        body: reactionSendBody,
        response: { 202: reactionAcceptedSchema, ...errors },
      },
      handler: async (req, reply) => reply.code(202).send(await reactions.send(req.actor, req.params.sessionId, req.body.reaction)),
    });

    app.get('/api/live-sessions/:sessionId/reactions', {
      schema: {
        tags,
        summary: "The class's reactions per minute and in total (course mentors, admins)",
        params: sessionParams,
        querystring: noQuery,
        response: { 200: reactionReportSchema, ...errors },
      },
      handler: async (req) => reactions.report(req.actor, req.params.sessionId),
    });
  };
}
