import { z } from 'zod';
import { externalId } from '../auth/actor.ts';
import { uuid } from '../http/common.schemas.ts';

export const createFeedBody = z.strictObject({
  courseId: externalId.optional().meta({
    description: "One course's classes (the caller must be on its roster); left out: every class of every course the caller is on.",
  }),
});
export type CreateFeedBody = z.infer<typeof createFeedBody>;

export const feedParams = z.strictObject({ feedId: uuid });

const feedFields = {
  id: z.string(),
  courseId: z.string().nullable().meta({ description: 'The course, or null for "all my classes".' }),
  createdAt: z.string(),
};

export const createdFeedSchema = z
  .object({
    ...feedFields,
    url: z.string().meta({
      description: 'The secret feed URL `{origin}/calendar/{secret}.ics`, for a calendar app. Shown once: only its hash is kept.',
    }),
  })
  .meta({ id: 'CalendarFeedCreated' });

export const feedSchema = z.object(feedFields).meta({ id: 'CalendarFeed' });
export type FeedDto = z.infer<typeof feedSchema>;

export const feedList = z.object({ items: z.array(feedSchema) });
