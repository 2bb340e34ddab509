import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { publicOrigin } from '../http/public-url.ts';
import { createdFeedSchema, createFeedBody, feedList, feedParams } from './calendar.schemas.ts';
import type { CalendarService } from './calendar.service.ts';

const tags = ['Calendar feeds'];

/** The caller's feeds under /api (bearer token), and the feeds themselves under /calendar (the secret is the key). */
export function calendarRoutes(calendar: CalendarService, config: Pick<Config, 'publicUrl'>): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/calendar-feeds', {
      schema: {
        tags,
        summary: 'Create a secret iCalendar feed URL of one course, or of all my classes',
        querystring: noQuery,
        body: createFeedBody,
        response: { 201: createdFeedSchema, ...commonErrors, 404: errorResponse },
      },
      handler: async (req, reply) => reply.code(201).send(await calendar.create(req.actor, req.body, publicOrigin(config, req))),
    });

    app.get('/api/calendar-feeds', {
      schema: {
        tags,
        summary: 'My calendar feeds (without their secret URLs, which only their creation shows)',
        querystring: noQuery,
        response: { 200: feedList, ...commonErrors },
      },
      handler: async (req) => calendar.list(req.actor),
    });

    app.delete('/api/calendar-feeds/:feedId', {
      schema: {
        tags,
        summary: 'Revoke one of my calendar feeds: its URL answers 404 from now on',
        params: feedParams,
        querystring: noQuery,
        response: { 204: z.null(), ...commonErrors, 404: errorResponse },
      },
      handler: async (req, reply) => {
        await calendar.revoke(req.actor, req.params.feedId);
        return reply.code(204).send(null);
      },
    });

    app.get('/calendar/:secret.ics', {
      schema: { hide: true, params: z.object({ secret: z.string().max(100) }) },
      handler: async (req, reply) => {
        const origin = publicOrigin(config, req);
        const result = await calendar.read(req.params.secret, req.ip, (id) => `${origin}/#/sessions/${id}`);
        if ('wait' in result) {
          reply.header('retry-after', result.wait);
          throw new AppError('RATE_LIMITED', `This calendar feed was read too often; retry in ${result.wait} s`);
        }
        // Private: the URL is a credential, and no shared cache may keep a copy of what it shows.
        return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(result.ics);
      },
    });
  };
}
