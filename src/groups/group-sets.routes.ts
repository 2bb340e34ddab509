import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { courseParams } from '../courses/courses.schemas.ts';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { courseGroupSets, groupSetParams, groupSetSchema, putGroupSetsBody } from './group-sets.schemas.ts';
import type { GroupSetsService } from './group-sets.service.ts';

const tags = ['Group sets'];
/** An LMS import of a large course's sets (every student in each) is over the default body limit, as rosters are. */
const GROUP_SETS_BODY_LIMIT = 4 * 1024 * 1024;

/** A course's group sets: read and replaced by its mentors and admins. */
export function groupSetsRoutes(groupSets: GroupSetsService, bodyLimit: number): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/courses/:courseId/group-sets', {
      schema: {
        tags,
        summary: "A course's group sets, in the order last saved (its mentors, admins)",
        params: courseParams,
        querystring: noQuery,
        response: { 200: courseGroupSets, ...commonErrors },
      },
      handler: async (req) => groupSets.list(req.actor, req.params.courseId),
    });

    app.put('/api/courses/:courseId/group-sets', {
      bodyLimit: Math.max(GROUP_SETS_BODY_LIMIT, bodyLimit),
      schema: {
        tags,
        summary: "Replace a course's group sets: named groups of roster students, e.g. imported from the LMS (its mentors, admins)",
        params: courseParams,
        querystring: noQuery,
        body: putGroupSetsBody,
        response: { 200: courseGroupSets, ...commonErrors },
      },
      handler: async (req) => groupSets.put(req.actor, req.params.courseId, req.body),
    });

    app.get('/api/courses/:courseId/group-sets/:groupSetId', {
      schema: {
        tags,
        summary: 'One group set of a course (its mentors, admins)',
        params: groupSetParams,
        querystring: noQuery,
        response: { 200: groupSetSchema, ...commonErrors, 404: errorResponse },
      },
      handler: async (req) => groupSets.get(req.actor, req.params.courseId, req.params.groupSetId),
    });
  };
}
