import { z } from 'zod';
import { text, uuid } from '../http/common.schemas.ts';

const announcementText = text(1, 500)
  .nullable()
  .meta({ description: 'The announcement, 1–500 characters, shown as plain text above the chat; null takes it down.' });

/** `announcement:set` over Socket.IO. */
export const announcementSetInput = z.strictObject({ sessionId: uuid, text: announcementText });

/** `PUT …/announcement`. */
export const announcementBody = z.strictObject({ text: announcementText });

export const announcementSchema = z
  .object({
    text: z.string(),
    setAt: z.string().meta({ description: 'When the mentor pinned it (ISO 8601).' }),
  })
  .meta({ id: 'Announcement' });
export type Announcement = z.infer<typeof announcementSchema>;

/** What announcement:set acks (and its route returns): the announcement now, and the seq of its session:updated. */
export const announcementResultSchema = z.object({ announcement: announcementSchema.nullable(), seq: z.number().int() });
export type AnnouncementResult = z.infer<typeof announcementResultSchema>;
