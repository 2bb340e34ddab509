import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import {
  answeringResult,
  qaAnswerBody,
  qaAskBody,
  qaHighlightBody,
  qaListQuery,
  qaPage,
  qaParams,
  recordedQuestionSchema,
  upvoteResult,
} from './qa.schemas.ts';
import type { QaService } from './qa.service.ts';

const tags = ['Q&A'];
const errors = { ...commonErrors, 404: errorResponse, 409: errorResponse, 422: errorResponse };

/** REST twins of the Q&A socket events, and the question list. */
export function qaRoutes(qa: QaService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/live-sessions/:sessionId/qa', {
      schema: {
        tags,
        summary: "The session's questions by votes or by time, with upvotedByMe (members)",
        params: sessionParams,
        querystring: qaListQuery,
        response: { 200: qaPage, ...errors },
      },
      handler: async (req) => qa.list(req.actor, req.params.sessionId, req.query),
    });

    app.post('/api/live-sessions/:sessionId/qa', {
      schema: {
        tags,
        summary: 'Ask a question (members, while the class is live); broadcast as qa:question, or qa:queue when it waits for review',
        params: sessionParams,
        querystring: noQuery,
        body: qaAskBody,
        response: { 201: recordedQuestionSchema, ...errors },
      },
      handler: async (req, reply) => reply.code(201).send(await qa.ask(req.actor, req.params.sessionId, req.body)),
    });

    app.post('/api/live-sessions/:sessionId/qa/:qaId/upvote', {
      schema: {
        tags,
        summary: "Toggle the caller's upvote on an open question; the count is broadcast (coalesced) as qa:updated",
        params: qaParams,
        querystring: noQuery,
        response: { 200: upvoteResult, ...errors },
      },
      handler: async (req) => qa.upvote(req.actor, req.params.qaId, req.params.sessionId),
    });

    app.post('/api/live-sessions/:sessionId/qa/:qaId/answer', {
      schema: {
        tags,
        summary: 'Mark a question answered, with a written answer or none for "answered live" (course mentors, admins)',
        params: qaParams,
        querystring: noQuery,
        body: qaAnswerBody,
        response: { 200: recordedQuestionSchema, ...errors },
      },
      handler: async (req) => qa.answer(req.actor, req.params.qaId, req.body?.answer, req.params.sessionId),
    });

    app.post('/api/live-sessions/:sessionId/qa/:qaId/dismiss', {
      schema: {
        tags,
        summary: "Dismiss a question (course mentors, admins); it leaves students' lists, broadcast as qa:removed",
        params: qaParams,
        querystring: noQuery,
        response: { 200: recordedQuestionSchema, ...errors },
      },
      handler: async (req) => qa.dismiss(req.actor, req.params.qaId, req.params.sessionId),
    });

    app.post('/api/live-sessions/:sessionId/qa/:qaId/approve', {
      schema: {
        tags,
        summary: 'Approve a question waiting for review (course mentors, admins); broadcast as qa:question and qa:queue',
        params: qaParams,
        querystring: noQuery,
        response: { 200: recordedQuestionSchema, ...errors },
      },
      handler: async (req) => qa.approve(req.actor, req.params.qaId, req.params.sessionId),
    });

    app.post('/api/live-sessions/:sessionId/qa/:qaId/reject', {
      schema: {
        tags,
        summary: 'Reject a question waiting for review (course mentors, admins); broadcast as qa:removed and qa:queue',
        params: qaParams,
        querystring: noQuery,
        response: { 200: recordedQuestionSchema, ...errors },
      },
      handler: async (req) => qa.reject(req.actor, req.params.qaId, req.params.sessionId),
    });

    app.put('/api/live-sessions/:sessionId/qa/answering', {
      schema: {
        tags,
        summary: '"Answering now": highlight one open question for everyone, or none (course mentors, admins); broadcast as qa:answering',
        params: sessionParams,
        querystring: noQuery,
        body: qaHighlightBody,
        response: { 200: answeringResult, ...errors },
      },
      handler: async (req) => qa.highlight(req.actor, req.params.sessionId, req.body.qaId),
    });
  };
}
