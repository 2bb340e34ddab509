import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import type { SessionsService } from './sessions.service.ts';
import { createSessionBody, listSessionsQuery, sessionPage, sessionParams, sessionSchema, updateSessionBody } from './sessions.schemas.ts';

const tags = ['Live sessions'];
const notFound = { 404: errorResponse };

/** REST for scheduling and running sessions: parse → service → reply. */
export function sessionsRoutes(sessions: SessionsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/live-sessions', {
      schema: {
        tags,
        summary: 'Schedule a live session (a mentor of the course, or an admin)',
        querystring: noQuery,
        body: createSessionBody,
        response: { 201: sessionSchema, ...commonErrors },
      },
      handler: async (req, reply) => reply.code(201).send(await sessions.create(req.actor, req.body)),
    });

    app.get('/api/live-sessions', {
      schema: {
        tags,
        summary: "List sessions of a course (members), or of all the caller's courses",
        querystring: listSessionsQuery,
        response: { 200: sessionPage, ...commonErrors },
      },
      handler: async (req) => sessions.list(req.actor, req.query),
    });

    app.get('/api/live-sessions/:sessionId', {
      schema: {
        tags,
        summary: 'Get a session',
        params: sessionParams,
        querystring: noQuery,
        response: { 200: sessionSchema, ...commonErrors, ...notFound },
      },
      handler: async (req) => sessions.get(req.actor, req.params.sessionId),
    });

    app.put('/api/live-sessions/:sessionId', {
      schema: {
        tags,
        summary: 'Update a session: title, description, schedule, settings, status transitions',
        params: sessionParams,
        querystring: noQuery,
        body: updateSessionBody,
        response: { 200: sessionSchema, ...commonErrors, ...notFound, 409: errorResponse },
      },
      handler: async (req) => sessions.update(req.actor, req.params.sessionId, req.body),
    });

    app.delete('/api/live-sessions/:sessionId', {
      schema: {
        tags,
        summary: 'Cancel a session (it stays readable with status cancelled)',
        params: sessionParams,
        querystring: noQuery,
        response: { 200: sessionSchema, ...commonErrors, ...notFound, 409: errorResponse },
      },
      handler: async (req) => sessions.cancel(req.actor, req.params.sessionId),
    });
  };
}
