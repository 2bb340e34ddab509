import { z } from 'zod';
import { emailAddress, externalId, rosterRole } from '../auth/actor.ts';
import { text } from '../http/common.schemas.ts';

export const courseParams = z.strictObject({ courseId: externalId });
export const memberParams = z.strictObject({ courseId: externalId, userId: externalId });

export const rosterMemberInput = z.strictObject({
  userId: externalId.meta({ description: "The LMS user id (the `sub` of that user's tokens)." }),
  name: text(1, 200).optional(),
  email: emailAddress.optional(),
  role: rosterRole.meta({ description: 'Role in this course.' }),
});

export const putMembersBody = z.strictObject({ members: z.array(rosterMemberInput).min(1).max(10_000) }).superRefine((body, ctx) => {
  const seen = new Set<string>();
  body.members.forEach((m, i) => {
    if (seen.has(m.userId)) ctx.addIssue({ code: 'custom', path: ['members', i, 'userId'], message: 'is listed twice' });
    seen.add(m.userId);
  });
});
export type PutMembersBody = z.infer<typeof putMembersBody>;

export const memberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  role: rosterRole,
  addedAt: z.string(),
  updatedAt: z.string(),
});

export const rosterSchema = z.object({ courseId: z.string(), members: z.array(memberSchema) });

export const courseSchema = z.object({
  courseId: z.string(),
  /** The LMS's name for the course when it came from an LTI launch (the context's title); null otherwise. */
  title: z.string().nullable(),
});
