import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { sessionParams } from '../sessions/sessions.schemas.ts';
import { attendanceReport, joinResult, leaveResult } from './attendance.schemas.ts';
import type { AttendanceService } from './attendance.service.ts';

const tags = ['Attendance'];
const errors = { ...commonErrors, 404: errorResponse, 409: errorResponse };

export function attendanceRoutes(attendance: AttendanceService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/live-sessions/:sessionId/join', {
      schema: {
        tags,
        summary: 'Join: open an attendance segment and get the meeting link',
        params: sessionParams,
        querystring: noQuery,
        response: { 200: joinResult, ...errors },
      },
      handler: async (req) => attendance.join(req.actor, req.params.sessionId),
    });

    app.delete('/api/live-sessions/:sessionId/join', {
      schema: {
        tags,
        summary: "Leave: close the caller's attendance segment",
        params: sessionParams,
        querystring: noQuery,
        response: { 200: leaveResult, ...errors },
      },
      handler: async (req) => attendance.leave(req.actor, req.params.sessionId),
    });

    app.get('/api/live-sessions/:sessionId/attendance', {
      schema: {
        tags,
        summary: 'Attendance reconciled against the roster (course mentors, admins)',
        params: sessionParams,
        querystring: noQuery,
        response: { 200: attendanceReport, ...errors },
      },
      handler: async (req) => attendance.report(req.actor, req.params.sessionId),
    });
  };
}
