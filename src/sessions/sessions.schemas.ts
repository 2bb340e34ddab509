import { z } from 'zod';
import { externalId } from '../auth/actor.ts';
import { isoDateTime, pageQuery, text, uuid } from '../http/common.schemas.ts';
import { meetingChoice, meetingSchema } from '../meetings/meetings.schemas.ts';
import { attendanceOverrides } from '../reports/rules.schemas.ts';
import { announcementSchema } from './announcement.schemas.ts';

export { meetingSchema };

export const sessionStatus = z.enum(['scheduled', 'live', 'completed', 'cancelled']);

export const settingsSchema = z.strictObject({
  chatEnabled: z.boolean(),
  qaEnabled: z.boolean(),
  pollsEnabled: z.boolean(),
  anonymousQuestions: z.boolean().meta({ description: 'Whether students may ask questions anonymously.' }),
  reviewQuestions: z.boolean().meta({
    description: 'Whether new questions wait for a mentor to approve them (status `pending`) before anyone else sees them. Off unless set.',
  }),
});
export type SessionSettings = z.infer<typeof settingsSchema>;

const title = text(1, 200);
const description = text(0, 5000);
const durationMinutes = z.number().int().min(1).max(1440).meta({ description: 'Planned length, 1–1440 minutes' });

export const sessionParams = z.strictObject({ sessionId: uuid });

export const createSessionBody = z.strictObject({
  courseId: externalId,
  title,
  description: description.optional(),
  scheduledStart: isoDateTime,
  durationMinutes,
  settings: settingsSchema
    .partial()
    .optional()
    .meta({ description: 'Any setting left out is enabled, except reviewQuestions, which is off unless set.' }),
  mentorId: externalId.optional().meta({ description: "The session's mentor (a mentor on the course roster); defaults to the caller." }),
  meeting: meetingChoice.optional().meta({ description: "How the meeting link is made; defaults to the operator's MEETING_PROVIDER." }),
});
export type CreateSessionBody = z.infer<typeof createSessionBody>;

export const updateSessionBody = z
  .strictObject({
    title: title.optional(),
    description: description.nullable().optional(),
    scheduledStart: isoDateTime.optional(),
    durationMinutes: durationMinutes.optional(),
    settings: settingsSchema.partial().optional(),
    status: sessionStatus.optional().meta({ description: 'scheduled → live → completed; scheduled | live → cancelled.' }),
    attendance: attendanceOverrides
      .optional()
      .meta({ description: "This class's attendance rules over the course's (null clears them); may change after the class ended." }),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one field');
export type UpdateSessionBody = z.infer<typeof updateSessionBody>;

export const listSessionsQuery = z
  .strictObject({
    courseId: externalId.optional().meta({ description: 'Without it: sessions of every course the caller is on (admins: all).' }),
    status: sessionStatus.optional(),
    from: isoDateTime.optional().meta({ description: 'Sessions starting at or after this instant.' }),
    to: isoDateTime.optional().meta({ description: 'Sessions starting before this instant.' }),
    ...pageQuery,
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), {
    path: ['to'],
    message: 'must not be before from',
  });
export type ListSessionsQuery = z.infer<typeof listSessionsQuery>;

export const sessionSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    mentorId: z.string(),
    scheduledStart: z.string(),
    durationMinutes: z.number(),
    status: sessionStatus,
    actualStart: z.string().nullable(),
    actualEnd: z.string().nullable(),
    meeting: meetingSchema,
    settings: settingsSchema,
    announcement: announcementSchema
      .nullable()
      .meta({ description: "The mentor's pinned announcement (announcement:set), or null; everyone sees it above the chat." }),
    attendance: attendanceOverrides.optional().meta({ description: "Managers only: this class's attendance overrides, or null." }),
    joinCode: z.string().meta({ description: 'The short code of the join link `/j/{joinCode}`, shown by the presenter view.' }),
    parentSessionId: z
      .string()
      .nullable()
      .meta({ description: "A breakout room's class (the room opens and closes with its round); null for a class." }),
    seriesId: z.string().nullable().meta({ description: 'The recurring series this class was scheduled in (POST …/series), or null.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LiveSession' });
export type SessionDto = z.infer<typeof sessionSchema>;

export const sessionPage = z.object({ items: z.array(sessionSchema), nextCursor: z.string().nullable() });
