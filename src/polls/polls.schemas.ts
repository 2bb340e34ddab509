import { z } from 'zod';
import { text, uuid } from '../http/common.schemas.ts';
import type { AckReply } from '../realtime/socket-handler.ts';

export const pollType = z.enum(['single', 'multiple', 'rating', 'text']);
export type PollType = z.infer<typeof pollType>;

export const resultsVisibility = z.enum(['live', 'afterClose']);

export const MAX_OPTIONS = 10;
/** A rating poll asks for an integer from 1 to this. */
export const RATING_MAX = 5;
export const TEXT_ANSWER_MAX = 280;

const pollFields = {
  question: text(1, 500).meta({ description: 'The question, 1–500 characters.' }),
  type: pollType.meta({ description: '`single` or `multiple` choice among `options`, a `rating` from 1 to 5, or a short `text` answer.' }),
  options: z
    .array(text(1, 200))
    .max(MAX_OPTIONS)
    .optional()
    .meta({ description: 'single and multiple: 2–10 distinct options (1–200 characters each). rating and text take none.' }),
  correctOption: z
    .number()
    .int()
    .min(0)
    .optional()
    .meta({ description: 'Quiz mode (single only): the index of the correct option. Hidden from students until the poll closes.' }),
  resultsVisibility: resultsVisibility.default('live').meta({
    description: '`live` (default): everyone sees results as votes arrive; `afterClose`: students see them once the poll closes.',
  }),
  anonymous: z.boolean().default(false).meta({ description: 'Nobody, mentors included, can learn who voted. Excluded from quiz scores.' }),
};

type PollFields = { type: PollType; options?: string[]; correctOption?: number };

/** The rules that tie the fields together, each reported on the field at fault. */
function checkPollShape(poll: PollFields, ctx: z.RefinementCtx): void {
  const choiceType = poll.type === 'single' || poll.type === 'multiple';
  const options = poll.options ?? [];
  if (choiceType && options.length < 2) {
    ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${poll.type} choice poll needs 2–${MAX_OPTIONS} options` });
  }
  if (!choiceType && poll.options !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${poll.type} poll takes no options` });
  }
  const seen = new Set(options.map((o) => o.toLowerCase()));
  if (seen.size !== options.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'must be distinct' });
  if (poll.correctOption !== undefined) {
    if (poll.type !== 'single') {
      ctx.addIssue({ code: 'custom', path: ['correctOption'], message: 'quiz mode is for single choice polls only' });
    } else if (poll.correctOption >= options.length) {
      ctx.addIssue({ code: 'custom', path: ['correctOption'], message: 'must be the index of one of the options' });
    }
  }
}

/** POST /api/live-sessions/:sessionId/polls */
export const createPollBody = z.strictObject(pollFields).superRefine(checkPollShape);
export type CreatePollBody = z.infer<typeof createPollBody>;

/** poll:create */
export const pollCreateInput = z.strictObject({ sessionId: uuid, ...pollFields }).superRefine(checkPollShape);

/**
 * What a vote may look like before the poll's type is known; the service then holds it to the type's rule.
 */
export const choiceSchema = z
  .union([z.number().int(), z.array(z.number().int()).max(MAX_OPTIONS), z.string().max(4 * TEXT_ANSWER_MAX)], {
    error: 'must be an option index, an array of option indexes, a rating 1–5 or a text answer',
  })
  .meta({
    description:
      'single: an option index; multiple: a non-empty array of distinct option indexes; rating: an integer 1–5; text: 1–280 characters.',
  });
export type Choice = number | number[] | string;

/** POST …/polls/:pollId/respond */
export const voteBody = z.strictObject({ choice: choiceSchema });

/** poll:vote */
export const pollVoteInput = z.strictObject({ pollId: uuid, choice: choiceSchema });

/** poll:close */
export const pollCloseInput = z.strictObject({ pollId: uuid });

export const pollParams = z.strictObject({ sessionId: uuid, pollId: uuid });

export const ratingResults = z.object({
  total: z.number().int(),
  counts: z.array(z.number().int()).meta({ description: 'Votes for 1, 2, 3, 4 and 5.' }),
  average: z.number().nullable().meta({ description: 'Mean rating to two decimals; null before the first vote.' }),
});
export const choiceResults = z.object({
  total: z.number().int().meta({ description: 'How many people voted.' }),
  counts: z.array(z.number().int()).meta({ description: 'Votes per option, in option order.' }),
});
export const textResults = z.object({
  total: z.number().int(),
  answers: z.array(z.string()).meta({ description: 'Every answer, oldest first, without names.' }),
});
// Rating first: a serializer that tried the choice shape first would strip `average`.
export const pollResults = z.union([ratingResults, choiceResults, textResults]).meta({ id: 'PollResults' });
export type PollResults = z.infer<typeof pollResults>;

export const pollSchema = z
  .object({
    id: z.string(),
    sessionId: z.string(),
    question: z.string(),
    type: pollType,
    options: z.array(z.string()),
    status: z.enum(['open', 'closed']),
    resultsVisibility,
    anonymous: z.boolean(),
    quiz: z.boolean().meta({ description: 'Whether the poll has a correct option (quiz mode).' }),
    correctOption: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Quiz polls: present for the course mentors and admins, and for everyone once closed.' }),
    results: pollResults.optional().meta({ description: 'Present where the caller may see results.' }),
    myChoice: choiceSchema.nullable().optional().meta({ description: "REST reads only: the caller's own answer, or null." }),
    createdAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'Poll' });
export type PollDto = z.infer<typeof pollSchema>;

export const pollList = z.object({ items: z.array(pollSchema) });

export const voteResult = z.object({
  pollId: z.string(),
  choice: choiceSchema.meta({ description: 'The answer as stored (text trimmed, multiple-choice indexes sorted).' }),
});

export const quizScores = z.object({
  sessionId: z.string(),
  quizPolls: z.number().int().meta({ description: "The session's non-anonymous quiz polls, open or closed." }),
  students: z
    .array(
      z.object({
        userId: z.string(),
        name: z.string(),
        answered: z.number().int(),
        correct: z.number().int(),
      }),
    )
    .meta({ description: 'Every roster student, by name.' }),
});

/** Server → room events of polls, for typed clients. Every payload carries the session's seq. */
export interface PollServerEvents {
  'poll:opened': (payload: { seq: number; poll: PollDto }) => void;
  'poll:results': (payload: { seq: number; pollId: string; results: PollResults }) => void;
  'poll:closed': (payload: { seq: number; poll: PollDto }) => void;
}

/** Client → server events of polls, for typed clients; each is answered through its ack. */
export interface PollClientEvents {
  'poll:create': (payload: z.input<typeof pollCreateInput>, ack: (reply: AckReply<PollDto>) => void) => void;
  'poll:vote': (payload: z.input<typeof pollVoteInput>, ack: (reply: AckReply<z.infer<typeof voteResult>>) => void) => void;
  'poll:close': (payload: z.input<typeof pollCloseInput>, ack: (reply: AckReply<PollDto>) => void) => void;
}
