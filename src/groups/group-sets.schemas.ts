import { z } from 'zod';
import { externalId } from '../auth/actor.ts';
import { text, uuid } from '../http/common.schemas.ts';

export const MAX_GROUP_SETS = 100;
export const MAX_GROUPS_PER_SET = 200;
export const MAX_MEMBERS_PER_GROUP = 1000;

export const groupSetParams = z.strictObject({ courseId: externalId, groupSetId: uuid });

/** Names compare ignoring case and Unicode spelling (NFKC), so "Team A" and "team a" are the same name. */
const nameKey = (name: string) => name.normalize('NFKC').toLowerCase();

const name = (what: string) => text(1, 100).meta({ description: `The ${what}'s name: trimmed, 1–100 characters.` });

const groupInput = z.strictObject({
  name: name('group'),
  memberIds: z
    .array(externalId)
    .max(MAX_MEMBERS_PER_GROUP)
    .meta({
      description: `LMS user ids (the \`sub\` of their tokens) of students on the course roster; at most ${MAX_MEMBERS_PER_GROUP}.`,
    }),
});

const groupSetInput = z
  .strictObject({
    id: uuid.optional().meta({ description: 'An existing set of this course, to keep its id and createdAt; omit for a new set.' }),
    name: name('set'),
    groups: z
      .array(groupInput)
      .max(MAX_GROUPS_PER_SET)
      .meta({
        description: `At most ${MAX_GROUPS_PER_SET} groups, names unique within the set; a student in at most one of them.`,
      }),
  })
  .superRefine((set, ctx) => {
    const names = new Set<string>();
    const placed = new Set<string>();
    set.groups.forEach((group, g) => {
      const key = nameKey(group.name);
      if (names.has(key))
        ctx.addIssue({ code: 'custom', path: ['groups', g, 'name'], message: 'is the name of another group of this set' });
      names.add(key);
      group.memberIds.forEach((memberId, m) => {
        if (placed.has(memberId)) {
          ctx.addIssue({ code: 'custom', path: ['groups', g, 'memberIds', m], message: 'is already in a group of this set' });
        }
        placed.add(memberId);
      });
    });
  });

export const putGroupSetsBody = z
  .strictObject({
    groupSets: z
      .array(groupSetInput)
      .max(MAX_GROUP_SETS)
      .meta({
        description: `The course's whole list (PUT replaces it), in the order to keep; at most ${MAX_GROUP_SETS} sets, names unique per course. Sets of the course not listed are deleted.`,
      }),
  })
  .superRefine((body, ctx) => {
    const names = new Set<string>();
    const ids = new Set<string>();
    body.groupSets.forEach((set, s) => {
      const key = nameKey(set.name);
      if (names.has(key)) ctx.addIssue({ code: 'custom', path: ['groupSets', s, 'name'], message: 'is the name of another set' });
      names.add(key);
      if (set.id !== undefined && ids.has(set.id))
        ctx.addIssue({ code: 'custom', path: ['groupSets', s, 'id'], message: 'is listed twice' });
      if (set.id !== undefined) ids.add(set.id);
    });
  });
export type PutGroupSetsBody = z.infer<typeof putGroupSetsBody>;

export const groupSchema = z.object({
  name: z.string(),
  memberIds: z.array(z.string()).meta({
    description: 'Students of the group, as saved, less anyone no longer a student on the course roster.',
  }),
});

export const groupSetSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    groups: z.array(groupSchema),
    createdAt: z.string(),
    updatedAt: z.string().meta({ description: 'When its name or groups last changed.' }),
  })
  .meta({ id: 'GroupSet' });
export type GroupSet = z.infer<typeof groupSetSchema>;

export const courseGroupSets = z
  .object({
    courseId: z.string(),
    groupSets: z.array(groupSetSchema).meta({ description: 'In the order last saved; empty until the course saves a list.' }),
  })
  .meta({ id: 'CourseGroupSets' });
