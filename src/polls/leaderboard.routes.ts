import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import { leaderboardView, playerBody, showLeaderboardBody } from './leaderboard.schemas.ts';
import type { LeaderboardService } from './leaderboard.service.ts';
import { quizScores } from './polls.schemas.ts';

const tags = ['Polls'];
const errors = { ...commonErrors, 404: errorResponse, 409: errorResponse };

/** Quiz scores and the leaderboard: REST twins of poll:showLeaderboard and poll:player, and the reads. */
export function leaderboardRoutes(board: LeaderboardService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/live-sessions/:sessionId/polls/scores', {
      schema: {
        tags,
        summary: 'Quiz scores and points per roster student (course mentors, admins)',
        params: sessionParams,
        querystring: noQuery,
        response: { 200: quizScores, ...errors },
      },
      handler: async (req) => board.scores(req.actor, req.params.sessionId),
    });

    app.get('/api/live-sessions/:sessionId/polls/leaderboard', {
      schema: {
        tags,
        summary: "The quiz leaderboard (students: while shown) and the caller's own standing",
        params: sessionParams,
        querystring: noQuery,
        response: { 200: leaderboardView, ...errors },
      },
      handler: async (req) => board.get(req.actor, req.params.sessionId),
    });

    app.put('/api/live-sessions/:sessionId/polls/leaderboard', {
      schema: {
        tags,
        summary: 'Show the leaderboard to the class, or hide it (course mentors, admins); the room hears poll:leaderboard',
        params: sessionParams,
        querystring: noQuery,
        body: showLeaderboardBody,
        response: { 200: leaderboardView, ...errors },
      },
      handler: async (req) => board.show(req.actor, req.params.sessionId, req.body.shown),
    });

    app.put('/api/live-sessions/:sessionId/polls/leaderboard/me', {
      schema: {
        tags,
        summary: 'Opt in to the leaderboard by name or nickname, or out (students of the course)',
        params: sessionParams,
        querystring: noQuery,
        body: playerBody,
        response: { 200: leaderboardView, ...errors },
      },
      handler: async (req) => board.setPlayer(req.actor, req.params.sessionId, req.body),
    });
  };
}
