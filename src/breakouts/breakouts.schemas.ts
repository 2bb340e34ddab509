import { z } from 'zod';
import { externalId } from '../auth/actor.ts';
import { text, uuid } from '../http/common.schemas.ts';
import { pastedUrl } from '../meetings/meetings.schemas.ts';
import type { AckReply } from '../realtime/socket-handler.ts';

/** How many rooms a round may have at most. */
export const MAX_ROOMS = 500;

const roomName = text(1, 100);
const roomIndex = z
  .number()
  .int()
  .min(0)
  .max(MAX_ROOMS - 1);

export const breakoutAssignment = z.enum(['random', 'manual', 'self-select', 'groups']).meta({
  description:
    'random: the students present are spread evenly (room sizes differ by at most one), late joiners go to the smallest room. ' +
    'manual: `assignments` places students; the others, and late joiners, stay in the main class until moved. ' +
    'self-select: students pick a room (breakout:choose) up to `capacity`. ' +
    "groups: the group set's groups fill the rooms in order (one group per room); late joiners not in a group go to the smallest room.",
});

/** `POST /api/live-sessions/:sessionId/breakouts` (and `breakout:open` with the sessionId). */
export const breakoutOpenBody = z.strictObject({
  rooms: z
    .union([z.number().int().min(1).max(MAX_ROOMS), z.array(roomName).min(1).max(MAX_ROOMS)])
    .meta({ description: 'How many rooms (named "Room 1", "Room 2", …), or their names in order.' }),
  assignment: breakoutAssignment,
  assignments: z
    .record(externalId, roomIndex)
    .optional()
    .meta({ description: 'manual: userId → room index from 0. Each user must be a student on the roster.' }),
  groupSetId: uuid.optional().meta({ description: 'groups: the course group set to fill the rooms from (required then).' }),
  durationMinutes: z.number().int().min(1).max(240).meta({ description: 'When the rooms close by themselves.' }),
  capacity: z.number().int().min(1).max(10_000).optional().meta({ description: 'self-select: the most students a room takes.' }),
  warningSeconds: z
    .number()
    .int()
    .min(0)
    .max(600)
    .default(60)
    .meta({ description: 'How long before the rooms close everyone hears breakout:closing (default 60).' }),
  meetingUrls: z.array(pastedUrl).max(MAX_ROOMS).optional().meta({
    description:
      'For a class with a pasted (manual) meeting link: one https link per room, in order. Without it, rooms of such a class have no link.',
  }),
});
export type BreakoutOpenBody = z.infer<typeof breakoutOpenBody>;

export const breakoutRoomSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    /** The room's own live session: join it with session:join. */
    sessionId: z.string(),
    memberIds: z.array(z.string()).meta({ description: 'The students assigned to this room (user ids).' }),
    meeting: z.object({ status: z.enum(['pending', 'ready', 'failed']) }),
    helpRequestedAt: z.string().nullable().meta({ description: 'When someone in the room asked the mentors for help; null when not.' }),
  })
  .meta({ id: 'BreakoutRoom' });
export type BreakoutRoom = z.infer<typeof breakoutRoomSchema>;

export const breakoutRoundSchema = z
  .object({
    id: z.string(),
    /** The class (parent session). */
    sessionId: z.string(),
    status: z.enum(['open', 'closing', 'closed']),
    assignment: breakoutAssignment,
    capacity: z.number().int().nullable(),
    rooms: z.array(breakoutRoomSchema),
    openedAt: z.string(),
    endsAt: z.string().meta({ description: 'When the rooms close (moves with extend and shorten).' }),
    warningSeconds: z.number().int(),
    closedAt: z.string().nullable(),
    broadcast: z.object({ text: z.string(), at: z.string() }).nullable().meta({ description: 'The last message sent to every room.' }),
  })
  .meta({ id: 'BreakoutRound' });
export type BreakoutRound = z.infer<typeof breakoutRoundSchema>;

/** `GET …/breakouts`: the round open now (or closing), and the class's closed rounds, oldest first. */
export const breakoutListSchema = z.object({ current: breakoutRoundSchema.nullable(), past: z.array(breakoutRoundSchema) });

/** What each breakout change returns (and acks): the round as it is now, and the seq of the main-room event. */
export const breakoutResultSchema = z.object({ round: breakoutRoundSchema, seq: z.number().int() });
export type BreakoutResult = z.infer<typeof breakoutResultSchema>;

export const breakoutParams = z.strictObject({ sessionId: uuid, roundId: uuid });

/** `POST …/breakouts/:roundId/moves` (mentors): move a student to a room of the round. */
export const breakoutMoveBody = z.strictObject({ userId: externalId, roomId: uuid });
/** `POST …/breakouts/:roundId/choose` (students, self-select): pick a room. */
export const breakoutChooseBody = z.strictObject({ roomId: uuid });
/** `POST …/breakouts/:roundId/timer` (mentors): extend (positive) or shorten (negative) the rooms' time. */
export const breakoutTimerBody = z.strictObject({
  addMinutes: z
    .number()
    .int()
    .min(-240)
    .max(240)
    .refine((n) => n !== 0, 'must not be 0')
    .meta({ description: 'Minutes to add to endsAt; a shortened round whose end has passed closes after its warning.' }),
});
/** `POST …/breakouts/:roundId/broadcast` (mentors): a message pinned in every room (each room's announcement). */
export const breakoutBroadcastBody = z.strictObject({ text: text(1, 500) });
/** `POST …/breakouts/:roundId/help` (students in a room; mentors clear it with `{ roomId, done: true }`). */
export const breakoutHelpBody = z.strictObject({ roomId: uuid, done: z.boolean().default(false) });
/** `POST …/breakouts/:roundId/close` (mentors): the warning goes out, the rooms close `warningSeconds` later (or now). */
export const breakoutCloseBody = z.strictObject({ now: z.boolean().default(false) }).nullish();

/** The socket twins carry the class's sessionId (and the roundId) in the payload. */
const onRound = z.strictObject({ sessionId: uuid, roundId: uuid });
export const breakoutOpenInput = breakoutOpenBody.extend({ sessionId: uuid });
export const breakoutMoveInput = onRound.extend(breakoutMoveBody.shape);
export const breakoutChooseInput = onRound.extend(breakoutChooseBody.shape);
export const breakoutTimerInput = onRound.extend(breakoutTimerBody.shape);
export const breakoutBroadcastInput = onRound.extend(breakoutBroadcastBody.shape);
export const breakoutHelpInput = onRound.extend(breakoutHelpBody.shape);
export const breakoutCloseInput = onRound.extend({ now: z.boolean().default(false) });

/** Main-room (class) events of breakouts: each is in the class's log with its seq, replayable with sinceSeq. */
export interface BreakoutServerEvents {
  /** A round opened: every student finds their room in `round.rooms[].memberIds` and joins its sessionId. */
  'breakout:opened': (payload: { seq: number; round: BreakoutRound }) => void;
  /** Moves, choices, a timer change, a broadcast, a help request, a room's meeting link state. */
  'breakout:updated': (payload: { seq: number; round: BreakoutRound }) => void;
  /** The rooms close at `round.endsAt` (within warningSeconds). */
  'breakout:closing': (payload: { seq: number; round: BreakoutRound }) => void;
  /** The round closed: every room ended; everyone is back in the main class. */
  'breakout:closed': (payload: { seq: number; round: BreakoutRound }) => void;
}

type Acked<I, R> = (payload: I, ack: (reply: AckReply<R>) => void) => void;

/** Client → server events of breakouts; each is answered through its ack with the round and the event's seq. */
export interface BreakoutClientEvents {
  'breakout:open': Acked<z.input<typeof breakoutOpenInput>, BreakoutResult>;
  'breakout:move': Acked<z.input<typeof breakoutMoveInput>, BreakoutResult>;
  'breakout:choose': Acked<z.input<typeof breakoutChooseInput>, BreakoutResult>;
  'breakout:timer': Acked<z.input<typeof breakoutTimerInput>, BreakoutResult>;
  'breakout:broadcast': Acked<z.input<typeof breakoutBroadcastInput>, BreakoutResult>;
  'breakout:help': Acked<z.input<typeof breakoutHelpInput>, BreakoutResult>;
  'breakout:close': Acked<z.input<typeof breakoutCloseInput>, BreakoutResult>;
}
