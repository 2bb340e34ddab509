import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { courseParams } from '../courses/courses.schemas.ts';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import { gradeSettings, gradeSettingsInput, sessionGrades } from './lti.ags.schemas.ts';
import type { GradesService } from './lti.ags.service.ts';

const tags = ['LTI'];

/** Grades to the LMS (AGS): the course setting, and each class's publication state and retry. */
export function gradesRoutes(grades: GradesService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/courses/:courseId/lti-grades', {
      schema: {
        tags,
        summary: 'What the course publishes to its LMS gradebook after each class (its mentors, admins)',
        params: courseParams,
        querystring: noQuery,
        response: { 200: gradeSettings, ...commonErrors },
      },
      handler: async (req) => grades.getSettings(req.actor, req.params.courseId),
    });

    app.put('/api/courses/:courseId/lti-grades', {
      schema: {
        tags,
        summary: 'Replace what the course publishes to its LMS gradebook (its mentors, admins)',
        params: courseParams,
        querystring: noQuery,
        body: gradeSettingsInput,
        response: { 200: gradeSettings, 409: errorResponse, ...commonErrors },
      },
      handler: async (req) => grades.putSettings(req.actor, req.params.courseId, req.body),
    });

    app.get('/api/live-sessions/:sessionId/lti-grades', {
      schema: {
        tags,
        summary: "A class's grade publications to the LMS: sent, pending or failed (its managers)",
        params: sessionParams,
        querystring: noQuery,
        response: { 200: sessionGrades, 404: errorResponse, ...commonErrors },
      },
      handler: async (req) => grades.sessionGrades(req.actor, req.params.sessionId),
    });

    app.post('/api/live-sessions/:sessionId/lti-grades/retry', {
      schema: {
        tags,
        summary: "Send a class's failed grade publications again (its managers)",
        params: sessionParams,
        querystring: noQuery,
        response: { 200: sessionGrades, 404: errorResponse, 409: errorResponse, ...commonErrors },
      },
      handler: async (req) => grades.retry(req.actor, req.params.sessionId),
    });
  };
}
