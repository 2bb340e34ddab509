import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import { handLowerBody, handQueueSchema, handStateSchema, loweredAllSchema } from './hands.schemas.ts';
import type { HandsService } from './hands.service.ts';

const tags = ['Hands'];
const errors = { ...commonErrors, 404: errorResponse, 409: errorResponse };

/** REST twins of hand:raise, hand:lower and hand:lowerAll, and the whole queue. */
export function handsRoutes(hands: HandsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/live-sessions/:sessionId/hands', {
      schema: {
        tags,
        summary: 'The raised hands, first raised first (members)',
        params: sessionParams,
        querystring: noQuery,
        response: { 200: handQueueSchema, ...errors },
      },
      handler: async (req) => hands.list(req.actor, req.params.sessionId),
    });

    app.post('/api/live-sessions/:sessionId/hands/raise', {
      schema: {
        tags,
        summary: "Raise the caller's hand (students, while the class is live); the queue is broadcast (coalesced) as hand:queue",
        params: sessionParams,
        querystring: noQuery,
        response: { 200: handStateSchema, ...errors },
      },
      handler: async (req) => hands.raise(req.actor, req.params.sessionId),
    });

    app.post('/api/live-sessions/:sessionId/hands/lower', {
      schema: {
        tags,
        summary: "Lower the caller's hand, or with `userId` anyone's (course mentors, admins)",
        params: sessionParams,
        querystring: noQuery,
        body: handLowerBody,
        response: { 200: handStateSchema, ...errors },
      },
      handler: async (req) => hands.lower(req.actor, req.params.sessionId, req.body?.userId),
    });

    app.post('/api/live-sessions/:sessionId/hands/lower-all', {
      schema: {
        tags,
        summary: 'Lower every hand (course mentors, admins)',
        params: sessionParams,
        querystring: noQuery,
        response: { 200: loweredAllSchema, ...errors },
      },
      handler: async (req) => hands.lowerAll(req.actor, req.params.sessionId),
    });
  };
}
