import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { courseParams, courseSchema, memberParams, putMembersBody, rosterSchema } from './courses.schemas.ts';
import type { CoursesService } from './courses.service.ts';

const tags = ['Rosters'];
/** A roster of 10,000 members is far over the default body limit. */
const ROSTER_BODY_LIMIT = 4 * 1024 * 1024;

export function coursesRoutes(courses: CoursesService, bodyLimit: number): FastifyPluginAsyncZod {
  return async (app) => {
    app.put('/api/courses/:courseId/members', {
      bodyLimit: Math.max(ROSTER_BODY_LIMIT, bodyLimit),
      schema: {
        tags,
        summary: 'Upsert roster members (admin: the LMS service token)',
        params: courseParams,
        querystring: noQuery,
        body: putMembersBody,
        response: { 200: rosterSchema, ...commonErrors },
      },
      handler: async (req) => courses.putMembers(req.actor, req.params.courseId, req.body),
    });

    app.get('/api/courses/:courseId', {
      schema: {
        tags,
        summary: 'A course: its id and, for a course launched from an LMS, its title there (members, admins)',
        params: courseParams,
        querystring: noQuery,
        response: { 200: courseSchema, ...commonErrors },
      },
      handler: async (req) => courses.get(req.actor, req.params.courseId),
    });

    app.get('/api/courses/:courseId/members', {
      schema: {
        tags,
        summary: "List a course's roster (its mentors, admins)",
        params: courseParams,
        querystring: noQuery,
        response: { 200: rosterSchema, ...commonErrors },
      },
      handler: async (req) => courses.listMembers(req.actor, req.params.courseId),
    });

    app.delete('/api/courses/:courseId/members/:userId', {
      schema: {
        tags,
        summary: 'Remove a member from the roster (admin)',
        params: memberParams,
        querystring: noQuery,
        response: { 204: z.null().meta({ description: 'Removed' }), ...commonErrors, 404: errorResponse },
      },
      handler: async (req, reply) => {
        await courses.removeMember(req.actor, req.params.courseId, req.params.userId);
        return reply.code(204).send(null);
      },
    });
  };
}
