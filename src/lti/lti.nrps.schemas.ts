import { z } from 'zod';

/** What a roster sync did (POST /api/courses/:courseId/roster-sync). */
export const rosterSyncResult = z
  .object({
    courseId: z.string(),
    syncedAt: z.string().meta({ description: 'When the roster was written (ISO 8601, UTC).' }),
    pages: z.number().int().meta({ description: 'Membership pages read from the LMS (Link rel="next").' }),
    members: z.number().int().meta({ description: 'Members on the roster now: active LMS members with a roster role.' }),
    added: z.number().int().meta({ description: 'New on the roster.' }),
    roleChanged: z.number().int().meta({ description: 'Already on it, with another role now (student ↔ mentor).' }),
    removed: z
      .number()
      .int()
      .meta({ description: 'Taken off: absent from the LMS list, inactive, or without a roster role. Their attendance closed.' }),
    skipped: z.number().int().meta({ description: 'LMS entries that were not a readable member (no user_id).' }),
  })
  .meta({ id: 'RosterSyncResult' });
export type RosterSyncResult = z.infer<typeof rosterSyncResult>;
