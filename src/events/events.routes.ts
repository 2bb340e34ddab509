import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import { eventsPage, eventsQuery } from './events.schemas.ts';
import type { EventsService } from './events.service.ts';

export function eventsRoutes(events: EventsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/live-sessions/:sessionId/events', {
      schema: {
        tags: ['Real-time'],
        summary: "The session's events after a seq, in order (what a reconnecting client missed)",
        params: sessionParams,
        querystring: eventsQuery,
        response: { 200: eventsPage, ...commonErrors, 404: errorResponse },
      },
      handler: async (req) => events.list(req.actor, req.params.sessionId, req.query),
    });
  };
}
