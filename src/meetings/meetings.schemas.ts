import { z } from 'zod';
import { providerNames } from './meetings.config.ts';

/** A pasted link: https only, bounded, and never with a user:password part (it would be shown to every student). */
export const pastedUrl = z
  .url({ protocol: /^https$/, hostname: z.regexes.domain })
  .max(2048)
  .refine((u) => !URL.canParse(u) || (new URL(u).username === '' && new URL(u).password === ''), 'must not contain a user name or password')
  .meta({ description: 'An https meeting link pasted by the mentor (provider `manual`).' });

/** How a session's link is made: a provider the operator allows, or a pasted link (`url` alone implies `manual`). */
export const meetingChoice = z
  .strictObject({
    provider: z.enum(providerNames).optional().meta({
      description:
        '`google`, `jitsi` or `manual`; must be one the operator allows (MEETING_PROVIDERS). Defaults to MEETING_PROVIDER, or to `manual` when `url` is given.',
    }),
    url: pastedUrl.optional(),
  })
  .superRefine((m, ctx) => {
    const provider = m.provider ?? (m.url ? 'manual' : undefined);
    if (provider === 'manual' && !m.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required for a manual (pasted) link' });
    if (provider !== 'manual' && m.url)
      ctx.addIssue({ code: 'custom', path: ['url'], message: `cannot be given for the ${provider} provider` });
  });
export type MeetingChoice = z.infer<typeof meetingChoice>;

export const meetingSchema = z.object({
  provider: z.enum(providerNames).meta({ description: '`google` (Google Meet), `jitsi` or `manual` (a pasted link).' }),
  url: z.string().nullable().meta({
    description: 'The join link: shown to the course mentors and admins; others get it from POST …/join. Null while pending or failed.',
  }),
  status: z.enum(['pending', 'ready', 'failed']).meta({
    description:
      '`pending` while a Google link is being made (retried with backoff), `ready`, or `failed` (see `error`; retry or replace it).',
  }),
  error: z.string().nullable().meta({
    description:
      'Course managers only: why the link failed, why the last attempt failed while pending, or why Google Calendar missed an update.',
  }),
});

/** Where reading a class's Google Meet attendance stands (POST …/report/meeting-sync answers with it). */
export const meetingSyncState = z
  .object({
    status: z.enum(['none', 'pending', 'done', 'failed']).meta({
      description:
        '`none`: not a Google Meet class (or the feature is off); `pending`: owed or being retried; `done`: the segments are in the report; `failed`: see `error`.',
    }),
    syncedAt: z.string().nullable().meta({ description: 'When the meeting attendance was last read (ISO 8601 UTC).' }),
    error: z.string().nullable().meta({
      description: 'Why it failed; while pending, why the last attempt failed; when done, why some participants could not be matched.',
    }),
  })
  .meta({ id: 'MeetingSyncState' });
export type MeetingSyncState = z.infer<typeof meetingSyncState>;

/** The sync state, and whether a manager may run it again now (GET …/report/meeting-sync). */
export const meetingSyncAvailability = meetingSyncState
  .extend({
    available: z.boolean().meta({
      description:
        'Whether POST …/report/meeting-sync would be accepted now: the class has ended, its link is a Google Meet link (made by the server or pasted) and the server reads Google Meet attendance.',
    }),
    unavailableReason: z.string().nullable().meta({ description: 'Why not, when `available` is false (the 409 message); else null.' }),
  })
  .meta({ id: 'MeetingSyncAvailability' });
export type MeetingSyncAvailability = z.infer<typeof meetingSyncAvailability>;
