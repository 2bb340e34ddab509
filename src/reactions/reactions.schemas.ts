import { z } from 'zod';
import { uuid } from '../http/common.schemas.ts';
import type { AckReply } from '../realtime/socket-handler.ts';

/**
 * The fixed set of reactions, by name (the web app shows 👍 👏 ❤️ 😂 😮 🎉). Names rather than emoji on the wire: an
 * emoji has several encodings (with or without a variation selector), a name has one.
 */
export const REACTIONS = ['thumbsup', 'clap', 'heart', 'laugh', 'wow', 'party'] as const;
export const reactionKind = z.enum(REACTIONS).meta({ description: `One of ${REACTIONS.join(', ')}.` });
export type Reaction = z.infer<typeof reactionKind>;

/** How many of each reaction; kinds nobody sent are left out. */
export const reactionCountsSchema = z.partialRecord(reactionKind, z.number().int().min(1)).meta({ id: 'ReactionCounts' });
export type ReactionCounts = z.infer<typeof reactionCountsSchema>;

/** `reaction:send` over Socket.IO. */
export const reactionSendInput = z.strictObject({ sessionId: uuid, reaction: reactionKind });

/** `POST …/reactions`: reaction:send without the sessionId, which is in the path. */
export const reactionSendBody = z.strictObject({ reaction: reactionKind });

/** What reaction:send acks: taken, to be counted in the next burst (reactions have no seq: they are not logged). */
export const reactionAcceptedSchema = z.object({ accepted: z.literal(true) });

/** `GET …/reactions`: a class's reactions per minute, for engagement. */
export const reactionReportSchema = z.object({
  minutes: z.array(
    z.object({
      minute: z.string().meta({ description: 'The minute (ISO 8601, seconds zero) the reactions were counted in.' }),
      counts: reactionCountsSchema,
    }),
  ),
  totals: reactionCountsSchema,
});
export type ReactionReport = z.infer<typeof reactionReportSchema>;

/** What a node sends a session room once a second at most while reactions arrive (not a logged room event: no seq). */
export interface ReactionBurst {
  sessionId: string;
  counts: ReactionCounts;
}

/** Server → client notices of reactions. */
export interface ReactionServerEvents {
  'reaction:burst': (payload: ReactionBurst) => void;
}

/** Client → server events of reactions. */
export interface ReactionClientEvents {
  'reaction:send': (payload: z.input<typeof reactionSendInput>, ack: (reply: AckReply<{ accepted: true }>) => void) => void;
}
