import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, noQuery } from '../http/common.schemas.ts';
import { courseParams } from './courses.schemas.ts';
import { courseModeration, putModerationBody } from './moderation.schemas.ts';
import type { ModerationService } from './moderation.service.ts';

const tags = ['Moderation'];

/** A course's blocked words: read and replaced by its mentors and admins. */
export function moderationRoutes(moderation: ModerationService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/courses/:courseId/moderation', {
      schema: {
        tags,
        summary: "A course's blocked words (its mentors, admins); an empty list until saved",
        params: courseParams,
        querystring: noQuery,
        response: { 200: courseModeration, ...commonErrors },
      },
      handler: async (req) => moderation.get(req.actor, req.params.courseId),
    });

    app.put('/api/courses/:courseId/moderation', {
      schema: {
        tags,
        summary: "Replace a course's blocked words, refused in its chat messages and questions (its mentors, admins)",
        params: courseParams,
        querystring: noQuery,
        body: putModerationBody,
        response: { 200: courseModeration, ...commonErrors },
      },
      handler: async (req) => moderation.put(req.actor, req.params.courseId, req.body.blockedWords),
    });
  };
}
