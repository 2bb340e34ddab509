import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { courseParams } from '../courses/courses.schemas.ts';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import { courseReport, courseReportQuery, myReport, reportQuery, sessionReport } from './reports.schemas.ts';
import type { ReportsService } from './reports.service.ts';

const tags = ['Reports'];
const errors = { ...commonErrors, 404: errorResponse };

/** A CSV download: UTF-8 (the file starts with a byte order mark) as an attachment with a readable file name. */
function sendCsv(reply: FastifyReply, filename: string, csv: string) {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${safe}"`).send(csv);
}

/**
 * The reports' JSON is written as is, not checked against its schema on the way out: a class of 5,000 makes a
 * document of ~10 MB, and the check took longer than computing it. The schema still documents the route, and the
 * compute tests hold every report to it (session-report.test.ts, course-report.test.ts).
 */
const plainJson = () => (data: unknown) => JSON.stringify(data);

/** Class and course reports: JSON for the web app and the LMS, CSV (`?format=csv&table=…`) for spreadsheets. */
export function reportsRoutes(reports: ReportsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/live-sessions/:sessionId/report', {
      schema: {
        tags,
        summary: "A class's attendance and engagement report (course mentors, admins); ?format=csv&table=… for one table as CSV",
        params: sessionParams,
        querystring: reportQuery,
        response: { 200: sessionReport, ...errors },
      },
      serializerCompiler: plainJson,
      handler: async (req, reply) => {
        const { format, table } = req.query;
        if (format === 'json') return reports.sessionReport(req.actor, req.params.sessionId);
        const { csv, filename } = await reports.sessionReportCsv(req.actor, req.params.sessionId, table);
        return sendCsv(reply, filename, csv);
      },
    });

    app.get('/api/live-sessions/:sessionId/report/me', {
      schema: {
        tags,
        summary: "The caller's own part of a class: their row, answers and quiz results (the class's students)",
        params: sessionParams,
        querystring: noQuery,
        response: { 200: myReport, ...errors },
      },
      handler: async (req) => reports.myReport(req.actor, req.params.sessionId),
    });

    app.get('/api/courses/:courseId/report', {
      schema: {
        tags,
        summary: "A course's completed classes in a range, per student and per class (its mentors, admins); CSV too",
        params: courseParams,
        querystring: courseReportQuery,
        response: { 200: courseReport, ...commonErrors },
      },
      serializerCompiler: plainJson,
      handler: async (req, reply) => {
        const { format, table, ...range } = req.query;
        if (format === 'json') return reports.courseReport(req.actor, req.params.courseId, range);
        const { csv, filename } = await reports.courseReportCsv(req.actor, req.params.courseId, range, table);
        return sendCsv(reply, filename, csv);
      },
    });
  };
}
