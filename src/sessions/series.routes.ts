import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import {
  cancelSeriesBody,
  createSeriesBody,
  seriesChangeResult,
  seriesParams,
  seriesWithSessions,
  updateSeriesBody,
} from './series.schemas.ts';
import type { SeriesService } from './series.service.ts';

const tags = ['Live sessions'];
const notFound = { 404: errorResponse };

/** REST for recurring classes: parse → service → reply. */
export function seriesRoutes(series: SeriesService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/live-sessions/series', {
      schema: {
        tags,
        summary: 'Schedule a recurring series of classes from an RRULE in an IANA time zone (a mentor of the course, or an admin)',
        querystring: noQuery,
        body: createSeriesBody,
        response: { 201: seriesWithSessions, ...commonErrors },
      },
      handler: async (req, reply) => reply.code(201).send(await series.create(req.actor, req.body)),
    });

    app.get('/api/live-sessions/series/:seriesId', {
      schema: {
        tags,
        summary: 'A series and its classes (course members)',
        params: seriesParams,
        querystring: noQuery,
        response: { 200: seriesWithSessions, ...commonErrors, ...notFound },
      },
      handler: async (req) => series.get(req.actor, req.params.seriesId),
    });

    app.patch('/api/live-sessions/series/:seriesId', {
      schema: {
        tags,
        summary: 'Edit one class of a series, or it and all following (scheduled classes only)',
        params: seriesParams,
        querystring: noQuery,
        body: updateSeriesBody,
        response: { 200: seriesChangeResult, ...commonErrors, ...notFound },
      },
      handler: async (req) => series.update(req.actor, req.params.seriesId, req.body),
    });

    app.post('/api/live-sessions/series/:seriesId/cancel', {
      schema: {
        tags,
        summary: 'Cancel one class of a series, or it and all following (scheduled classes only)',
        params: seriesParams,
        querystring: noQuery,
        body: cancelSeriesBody,
        response: { 200: seriesChangeResult, ...commonErrors, ...notFound },
      },
      handler: async (req) => series.cancel(req.actor, req.params.seriesId, req.body),
    });
  };
}
