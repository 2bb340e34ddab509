import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams, sessionSchema } from '../sessions/sessions.schemas.ts';
import { meetingChoice } from './meetings.schemas.ts';
import type { MeetingsService } from './meetings.service.ts';

const tags = ['Live sessions'];
const refusals = { 404: errorResponse, 409: errorResponse };

/** REST for a session's meeting link: replace it, or make a failed remote one again. */
export function meetingsRoutes(meetings: MeetingsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.put('/api/live-sessions/:sessionId/meeting', {
      schema: {
        tags,
        summary: 'Replace the meeting link: another provider, a new Google Meet or Jitsi room, or a pasted https link',
        params: sessionParams,
        querystring: noQuery,
        body: meetingChoice,
        response: { 200: sessionSchema, ...commonErrors, ...refusals },
      },
      handler: async (req) => meetings.replace(req.actor, req.params.sessionId, req.body),
    });

    app.post('/api/live-sessions/:sessionId/meeting/retry', {
      schema: {
        tags,
        summary: 'Make a pending or failed Google Meet link again now, with a fresh calendar event',
        params: sessionParams,
        querystring: noQuery,
        response: { 200: sessionSchema, ...commonErrors, ...refusals },
      },
      handler: async (req) => meetings.retry(req.actor, req.params.sessionId),
    });
  };
}
