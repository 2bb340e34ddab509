import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import { createPollBody, pollList, pollParams, pollSchema, voteBody, voteResult } from './polls.schemas.ts';
import type { PollsService } from './polls.service.ts';

const tags = ['Polls'];
const errors = { ...commonErrors, 404: errorResponse, 409: errorResponse };

/** REST twins of poll:create, poll:vote, poll:close and poll:launch (same service, same events), and the reads a client needs. */
export function pollsRoutes(polls: PollsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/live-sessions/:sessionId/polls', {
      schema: {
        tags,
        summary: 'Open a poll in a live class, or prepare a draft (course mentors, admins); the room hears poll:opened',
        params: sessionParams,
        querystring: noQuery,
        body: createPollBody,
        response: { 201: pollSchema, ...errors },
      },
      handler: async (req, reply) => reply.code(201).send(await polls.create(req.actor, req.params.sessionId, req.body)),
    });

    app.get('/api/live-sessions/:sessionId/polls', {
      schema: {
        tags,
        summary: "The session's polls, oldest first, with results where the caller may see them",
        params: sessionParams,
        querystring: noQuery,
        response: { 200: pollList, ...errors },
      },
      handler: async (req) => polls.list(req.actor, req.params.sessionId),
    });

    app.get('/api/live-sessions/:sessionId/polls/:pollId', {
      schema: {
        tags,
        summary: "A poll, with results where the caller may see them and the caller's own answer",
        params: pollParams,
        querystring: noQuery,
        response: { 200: pollSchema, ...errors },
      },
      handler: async (req) => polls.get(req.actor, req.params),
    });

    app.post('/api/live-sessions/:sessionId/polls/:pollId/respond', {
      schema: {
        tags,
        summary: 'Vote, or change your vote while the poll is open (course members)',
        params: pollParams,
        querystring: noQuery,
        body: voteBody,
        response: { 200: voteResult, ...errors },
      },
      handler: async (req) => polls.vote(req.actor, req.params, req.body.choice),
    });

    app.post('/api/live-sessions/:sessionId/polls/:pollId/close', {
      schema: {
        tags,
        summary: 'Close a poll (course mentors, admins); the room hears poll:closed with the results',
        params: pollParams,
        querystring: noQuery,
        response: { 200: pollSchema, ...errors },
      },
      handler: async (req) => polls.close(req.actor, req.params),
    });

    app.post('/api/live-sessions/:sessionId/polls/:pollId/launch', {
      schema: {
        tags,
        summary: 'Open a draft poll (course mentors, admins; live class); the room hears poll:opened, its timer starts',
        params: pollParams,
        querystring: noQuery,
        response: { 200: pollSchema, ...errors },
      },
      handler: async (req) => polls.launch(req.actor, req.params),
    });

    app.delete('/api/live-sessions/:sessionId/polls/:pollId', {
      schema: {
        tags,
        summary: 'Delete a draft poll (course mentors, admins); launched polls stay',
        params: pollParams,
        querystring: noQuery,
        response: { 204: z.null(), ...errors },
      },
      handler: async (req, reply) => {
        await polls.discard(req.actor, req.params);
        return reply.code(204).send(null);
      },
    });
  };
}
