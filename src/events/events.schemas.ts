import { z } from 'zod';
import { ROOM_EVENTS } from '../realtime/protocol.ts';

export const eventsQuery = z.strictObject({
  /** Events with a seq greater than this (0: from the start). */
  since: z.coerce.number().int().min(0).default(0),
  /** At most this many (1–1000, default 500). */
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
export type EventsQuery = z.infer<typeof eventsQuery>;

export const eventsPage = z.object({
  events: z.array(z.object({ event: z.enum(ROOM_EVENTS), payload: z.record(z.string(), z.unknown()) })),
  /** More events follow the last one returned: ask again with since = its seq. */
  hasMore: z.boolean(),
  /** The session's newest seq when this page was read. */
  lastSeq: z.number().int(),
});
