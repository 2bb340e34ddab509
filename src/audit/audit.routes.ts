import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commonErrors } from '../http/common.schemas.ts';
import { auditPage, auditQuery } from './audit.schemas.ts';
import type { AuditService } from './audit.service.ts';

export function auditRoutes(audit: AuditService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/audit', {
      schema: {
        tags: ['Audit'],
        summary: 'Read the audit log, newest first (admins)',
        querystring: auditQuery,
        response: { 200: auditPage, ...commonErrors },
      },
      handler: async (req) => audit.list(req.actor, req.query),
    });
  };
}
