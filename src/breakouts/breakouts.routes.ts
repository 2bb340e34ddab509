import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import {
  breakoutBroadcastBody,
  breakoutChooseBody,
  breakoutCloseBody,
  breakoutHelpBody,
  breakoutListSchema,
  breakoutMoveBody,
  breakoutOpenBody,
  breakoutParams,
  breakoutResultSchema,
  breakoutTimerBody,
} from './breakouts.schemas.ts';
import type { BreakoutsService } from './breakouts.service.ts';

const tags = ['Breakout rooms'];
const errors = { ...commonErrors, 404: errorResponse, 409: errorResponse };
const changed = { 200: breakoutResultSchema, ...errors };

/** REST twins of the breakout:* socket events, under the class's session id; each returns the round and its event's seq. */
export function breakoutsRoutes(breakouts: BreakoutsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/live-sessions/:sessionId/breakouts', {
      schema: {
        tags,
        summary: 'Open a breakout round in a live class (course mentors, admins); the class hears breakout:opened',
        params: sessionParams,
        querystring: noQuery,
        body: breakoutOpenBody,
        response: { 201: breakoutResultSchema, ...errors },
      },
      handler: async (req, reply) => reply.code(201).send(await breakouts.open(req.actor, req.params.sessionId, req.body)),
    });

    app.get('/api/live-sessions/:sessionId/breakouts', {
      schema: {
        tags,
        summary: "The class's round open now (or closing), and its closed rounds, oldest first (members)",
        params: sessionParams,
        querystring: noQuery,
        response: { 200: breakoutListSchema, ...errors },
      },
      handler: async (req) => breakouts.list(req.actor, req.params.sessionId),
    });

    app.post('/api/live-sessions/:sessionId/breakouts/:roundId/moves', {
      schema: {
        tags,
        summary: 'Move (or place) a roster student into a room (course mentors, admins); breakout:updated',
        params: breakoutParams,
        querystring: noQuery,
        body: breakoutMoveBody,
        response: changed,
      },
      handler: async (req) => breakouts.move(req.actor, req.params.sessionId, req.params.roundId, req.body.userId, req.body.roomId),
    });

    app.post('/api/live-sessions/:sessionId/breakouts/:roundId/choose', {
      schema: {
        tags,
        summary: 'Pick a room, or another one, in a self-select round, up to its capacity (students); breakout:updated',
        params: breakoutParams,
        querystring: noQuery,
        body: breakoutChooseBody,
        response: changed,
      },
      handler: async (req) => breakouts.choose(req.actor, req.params.sessionId, req.params.roundId, req.body.roomId),
    });

    app.post('/api/live-sessions/:sessionId/breakouts/:roundId/timer', {
      schema: {
        tags,
        summary: 'Extend or shorten the round (course mentors, admins); breakout:updated, or breakout:closing within the warning',
        params: breakoutParams,
        querystring: noQuery,
        body: breakoutTimerBody,
        response: changed,
      },
      handler: async (req) => breakouts.retime(req.actor, req.params.sessionId, req.params.roundId, req.body.addMinutes),
    });

    app.post('/api/live-sessions/:sessionId/breakouts/:roundId/broadcast', {
      schema: {
        tags,
        summary: "Pin a message in every room (each room's announcement: its own session:updated) (course mentors, admins)",
        params: breakoutParams,
        querystring: noQuery,
        body: breakoutBroadcastBody,
        response: changed,
      },
      handler: async (req) => breakouts.broadcast(req.actor, req.params.sessionId, req.params.roundId, req.body.text),
    });

    app.post('/api/live-sessions/:sessionId/breakouts/:roundId/help', {
      schema: {
        tags,
        summary: "Ask the mentors for help in one's room (its students), or clear the request with done: true; breakout:updated",
        params: breakoutParams,
        querystring: noQuery,
        body: breakoutHelpBody,
        response: changed,
      },
      handler: async (req) => breakouts.help(req.actor, req.params.sessionId, req.params.roundId, req.body.roomId, req.body.done),
    });

    app.post('/api/live-sessions/:sessionId/breakouts/:roundId/close', {
      schema: {
        tags,
        summary:
          'Close the rooms after the warning (breakout:closing), or at once with now: true (breakout:closed) (course mentors, admins)',
        params: breakoutParams,
        querystring: noQuery,
        body: breakoutCloseBody,
        response: changed,
      },
      handler: async (req) => breakouts.close(req.actor, req.params.sessionId, req.params.roundId, req.body?.now ?? false),
    });
  };
}
