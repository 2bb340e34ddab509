import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { courseParams } from '../courses/courses.schemas.ts';
import { commonErrors, noQuery } from '../http/common.schemas.ts';
import { courseSettings, putCourseSettingsBody } from './reports.schemas.ts';
import type { SettingsService } from './settings.service.ts';

const tags = ['Reports'];

/** A course's attendance rules: read and replaced by its mentors and admins. */
export function settingsRoutes(settings: SettingsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/courses/:courseId/settings', {
      schema: {
        tags,
        summary: "A course's attendance rules (its mentors, admins); the defaults until saved",
        params: courseParams,
        querystring: noQuery,
        response: { 200: courseSettings, ...commonErrors },
      },
      handler: async (req) => settings.get(req.actor, req.params.courseId),
    });

    app.put('/api/courses/:courseId/settings', {
      schema: {
        tags,
        summary: "Replace a course's attendance rules (its mentors, admins)",
        params: courseParams,
        querystring: noQuery,
        body: putCourseSettingsBody,
        response: { 200: courseSettings, ...commonErrors },
      },
      handler: async (req) => settings.put(req.actor, req.params.courseId, req.body.attendance),
    });
  };
}
