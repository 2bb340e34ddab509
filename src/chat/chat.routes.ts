import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import { chatListQuery, chatMessageParams, chatPage, chatPostBody, deletedMessageSchema, sentMessageSchema } from './chat.schemas.ts';
import type { ChatService } from './chat.service.ts';

const tags = ['Chat'];
const errors = { ...commonErrors, 404: errorResponse, 409: errorResponse, 422: errorResponse };

/** REST twins of chat:send and chat:delete, and the history a client loads on entering. */
export function chatRoutes(chat: ChatService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/live-sessions/:sessionId/chat', {
      schema: {
        tags,
        summary: 'The latest chat messages, oldest first; page back in time with nextCursor (members)',
        params: sessionParams,
        querystring: chatListQuery,
        response: { 200: chatPage, ...errors },
      },
      handler: async (req) => chat.list(req.actor, req.params.sessionId, req.query),
    });

    app.post('/api/live-sessions/:sessionId/chat', {
      schema: {
        tags,
        summary: 'Send a chat message (members, while the class is live); broadcast as chat:message',
        params: sessionParams,
        querystring: noQuery,
        body: chatPostBody,
        response: { 201: sentMessageSchema, ...errors },
      },
      handler: async (req, reply) => reply.code(201).send(await chat.send(req.actor, req.params.sessionId, req.body)),
    });

    app.delete('/api/live-sessions/:sessionId/chat/:messageId', {
      schema: {
        tags,
        summary: 'Delete a chat message (course mentors, admins); broadcast as chat:deleted',
        params: chatMessageParams,
        querystring: noQuery,
        response: { 200: deletedMessageSchema, ...errors },
      },
      handler: async (req) => chat.remove(req.actor, req.params.messageId, req.params.sessionId),
    });
  };
}
