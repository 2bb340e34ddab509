import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { announcementBody, announcementResultSchema } from './announcement.schemas.ts';
import { sessionParams } from './sessions.schemas.ts';
import type { SessionsService } from './sessions.service.ts';

/** The REST twin of announcement:set. */
export function announcementRoutes(sessions: SessionsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.put('/api/live-sessions/:sessionId/announcement', {
      schema: {
        tags: ['Live sessions'],
        summary: 'Pin an announcement above the chat, or take it down with null (course mentors, admins); broadcast as session:updated',
        params: sessionParams,
        querystring: noQuery,
        body: announcementBody,
        response: { 200: announcementResultSchema, ...commonErrors, 404: errorResponse, 409: errorResponse },
      },
      handler: async (req) => sessions.announce(req.actor, req.params.sessionId, req.body.text),
    });
  };
}
