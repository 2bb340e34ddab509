import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { courseParams } from '../courses/courses.schemas.ts';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { rosterSyncResult } from './lti.nrps.schemas.ts';
import type { RosterSync } from './lti.nrps.service.ts';

const tags = ['LTI'];

/** Roster sync from the LMS (NRPS), on demand. */
export function rosterSyncRoutes(rosterSync: RosterSync): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/courses/:courseId/roster-sync', {
      schema: {
        tags,
        summary: "Sync the course's roster from its LMS now (its mentors, admins)",
        params: courseParams,
        querystring: noQuery,
        response: { 200: rosterSyncResult, 409: errorResponse, 502: errorResponse, ...commonErrors },
      },
      handler: async (req) => rosterSync.syncNow(req.actor, req.params.courseId),
    });
  };
}
