import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import type { MeetSyncService } from './meet-sync.service.ts';
import { meetingSyncAvailability, meetingSyncState } from './meetings.schemas.ts';

/** REST: read a completed Google Meet class's attendance from Google again. */
export function meetSyncRoutes(service: MeetSyncService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/live-sessions/:sessionId/report/meeting-sync', {
      schema: {
        tags: ['Reports'],
        summary: 'Where reading the Google Meet attendance stands, and whether it can be run again (course managers)',
        params: sessionParams,
        querystring: noQuery,
        response: { 200: meetingSyncAvailability, ...commonErrors, 404: errorResponse },
      },
      handler: (req) => service.availability(req.actor, req.params.sessionId),
    });
    app.post('/api/live-sessions/:sessionId/report/meeting-sync', {
      schema: {
        tags: ['Reports'],
        summary: 'Read who was in the Google Meet again (course managers; ended Google Meet classes), in the background',
        params: sessionParams,
        querystring: noQuery,
        response: { 202: meetingSyncState, ...commonErrors, 404: errorResponse, 409: errorResponse },
      },
      handler: async (req, reply) => reply.code(202).send(await service.request(req.actor, req.params.sessionId)),
    });
  };
}
