import { z } from 'zod';
import { uuid } from '../http/common.schemas.ts';
import { createSessionBody, sessionSchema, settingsSchema } from './sessions.schemas.ts';

const wallTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a local date and time YYYY-MM-DDTHH:mm, without offset');
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time HH:mm');

/** A series: the body of a single class create, with the rule and zone in place of `scheduledStart`. */
export const createSeriesBody = createSessionBody.omit({ scheduledStart: true }).extend({
  rrule: z.string().trim().min(1).max(500).meta({
    description:
      'The RFC 5545 RRULE line alone (with or without `RRULE:`), e.g. `FREQ=WEEKLY;BYDAY=MO,WE;COUNT=12`. COUNT (1..100) or UNTIL is required, not both; at most 100 classes, DAILY or coarser, INTERVAL 1..52, no BYHOUR/BYMINUTE/BYSECOND; every part is checked against RFC 5545. An UNTIL ending in Z is an instant, one without is a wall time in `timezone`, a date alone (`UNTIL=20261025`) the end of that local day.',
  }),
  timezone: z.string().min(1).max(64).meta({ description: 'The IANA zone the wall-clock start is kept in, e.g. `Europe/Berlin`.' }),
  firstStart: wallTime.meta({
    description:
      "The first class's local start in `timezone`, `YYYY-MM-DDTHH:mm`; it must be an occurrence of the rule. Every class starts at this wall time.",
  }),
});
export type CreateSeriesBody = z.infer<typeof createSeriesBody>;

export const seriesParams = z.strictObject({ seriesId: uuid });

const scopeFields = {
  fromSessionId: uuid.meta({ description: 'The class the change starts from: one of the series.' }),
  scope: z.enum(['one', 'following']).meta({ description: '`one`: that class only; `following`: it and every later class of the series.' }),
};

export const updateSeriesBody = z
  .strictObject({
    ...scopeFields,
    title: createSessionBody.shape.title.optional(),
    description: createSessionBody.shape.description.unwrap().nullable().optional(),
    durationMinutes: createSessionBody.shape.durationMinutes.optional(),
    settings: settingsSchema.partial().optional(),
    startTime: timeOfDay.optional().meta({
      description: "A new local start time `HH:mm` in the series' zone, applied on each class's own local day (across DST changes).",
    }),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'fromSessionId' && k !== 'scope'), 'must change at least one field');
export type UpdateSeriesBody = z.infer<typeof updateSeriesBody>;

export const cancelSeriesBody = z.strictObject(scopeFields);
export type CancelSeriesBody = z.infer<typeof cancelSeriesBody>;

export const seriesSchema = z
  .object({
    id: z.string(),
    courseId: z.string(),
    rrule: z.string(),
    timezone: z.string(),
    firstStart: z.string().meta({ description: 'Local `YYYY-MM-DDTHH:mm` in `timezone`.' }),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'SessionSeries' });
export type SeriesDto = z.infer<typeof seriesSchema>;

export const seriesWithSessions = z.object({
  series: seriesSchema,
  sessions: z.array(sessionSchema).meta({ description: 'The classes, in series order.' }),
});

export const seriesChangeResult = z.object({
  series: seriesSchema,
  sessions: z.array(sessionSchema).meta({ description: 'The classes changed, as they are now.' }),
  skipped: z.array(z.object({ id: z.string(), status: z.string(), reason: z.string() })).meta({
    description:
      'Classes in scope left as they were, with the reason: live or ended ones (only scheduled classes change), one that went live meanwhile, or one whose change failed unexpectedly (logged; the others still change).',
  }),
});
