import { z } from 'zod';
import { uuid } from '../http/common.schemas.ts';

export const sessionJoinInput = z.strictObject({
  sessionId: uuid,
  /** The last seq the client has applied; events after it are replayed in the ack. Omit on a first join. */
  sinceSeq: z.number().int().min(0).optional(),
});

export const sessionLeaveInput = z.strictObject({ sessionId: uuid });

export const sessionStatusInput = z.strictObject({
  sessionId: uuid,
  /** Start (live) or end (completed) the class. */
  status: z.enum(['live', 'completed']),
});

/** How many events a join ack replays at most; the rest come from GET …/events?since=. */
export const JOIN_REPLAY_LIMIT = 500;
