import { z } from 'zod';
import { text } from '../http/common.schemas.ts';

/** One blocked word or short phrase: 1–60 characters, normalized (NFKC, inner white space collapsed) when saved. */
const blockedWord = text(1, 60).meta({ description: 'A word or short phrase, 1–60 characters.' });

export const putModerationBody = z.strictObject({
  blockedWords: z
    .array(blockedWord)
    .max(500)
    .meta({ description: 'The whole list (PUT replaces it), at most 500 entries; an empty list blocks nothing.' }),
});
export type PutModerationBody = z.infer<typeof putModerationBody>;

export const courseModeration = z
  .object({
    courseId: z.string(),
    blockedWords: z.array(z.string()).meta({
      description:
        'Refused in chat messages and questions (BLOCKED_WORDS): whole words, case-insensitive, Unicode-aware. Saved normalized and without duplicates.',
    }),
    updatedAt: z.string().nullable().meta({ description: 'When it was last saved; null while the course has never saved a list.' }),
  })
  .meta({ id: 'CourseModeration' });
