import { z } from 'zod';
import { externalId } from '../auth/actor.ts';
import { uuid } from '../http/common.schemas.ts';
import type { AckReply } from '../realtime/socket-handler.ts';

/** How many hands a `hand:queue` event lists at most (the first raised); `total` says how many are up. */
export const HAND_QUEUE_BROADCAST_LIMIT = 100;

/** `hand:raise` and `hand:lowerAll` over Socket.IO. */
export const handSessionInput = z.strictObject({ sessionId: uuid });

/** `hand:lower` over Socket.IO. */
export const handLowerInput = z.strictObject({
  sessionId: uuid,
  userId: externalId
    .optional()
    .meta({ description: "Whose hand to lower; defaults to the caller's own. Only course mentors and admins may lower another's." }),
});

/** `POST …/hands/lower`: hand:lower without the sessionId, which is in the path. The body may be left out. */
export const handLowerBody = z.strictObject({ userId: handLowerInput.shape.userId }).nullish();

export const raisedHandSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    raisedAt: z.string().meta({ description: 'When the hand went up (ISO 8601); the queue is in this order, first raised first.' }),
  })
  .meta({ id: 'RaisedHand' });
export type RaisedHand = z.infer<typeof raisedHandSchema>;

/** What hand:raise and hand:lower ack (and their routes return): the state of the hand concerned. */
export const handStateSchema = z.object({
  userId: z.string(),
  raised: z.boolean().meta({ description: 'Whether the hand is up now.' }),
  raisedAt: z.string().nullable().meta({ description: 'When it went up; null once lowered.' }),
});
export type HandState = z.infer<typeof handStateSchema>;

/** What hand:lowerAll acks: how many hands were lowered. */
export const loweredAllSchema = z.object({ lowered: z.number().int() });

/** `GET …/hands`: the whole queue, in order. */
export const handQueueSchema = z.object({ queue: z.array(raisedHandSchema), total: z.number().int() });
export type HandQueue = z.infer<typeof handQueueSchema>;

/** Server → room events of hands, for typed clients. */
export interface HandServerEvents {
  /**
   * The queue as it is now (coalesced: at most a few per second however fast hands go up). `queue` lists the first
   * HAND_QUEUE_BROADCAST_LIMIT hands, first raised first; `total` counts them all.
   */
  'hand:queue': (payload: { seq: number; queue: RaisedHand[]; total: number }) => void;
}

/** Client → server events of hands; each is answered through its ack. */
export interface HandClientEvents {
  'hand:raise': (payload: z.input<typeof handSessionInput>, ack: (reply: AckReply<HandState>) => void) => void;
  'hand:lower': (payload: z.input<typeof handLowerInput>, ack: (reply: AckReply<HandState>) => void) => void;
  'hand:lowerAll': (payload: z.input<typeof handSessionInput>, ack: (reply: AckReply<z.infer<typeof loweredAllSchema>>) => void) => void;
}
