import { z } from 'zod';
import { externalId } from '../auth/actor.ts';
import { pageQuery, uuid } from '../http/common.schemas.ts';

export const auditQuery = z.strictObject({
  sessionId: uuid.optional(),
  courseId: externalId.optional(),
  actorId: externalId.optional(),
  outcome: z.enum(['success', 'denied']).optional(),
  ...pageQuery,
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string().meta({ description: 'When it happened (ISO 8601)' }),
  actor: z.object({ id: z.string(), role: z.string().nullable() }).nullable(),
  action: z.string().meta({ description: 'e.g. session.create, roster.put, attendance.join, auth.reject' }),
  target: z.object({ type: z.string(), id: z.string().nullable() }),
  courseId: z.string().nullable(),
  sessionId: z.string().nullable(),
  outcome: z.enum(['success', 'denied']),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export const auditPage = z.object({ items: z.array(auditEntrySchema), nextCursor: z.string().nullable() });
