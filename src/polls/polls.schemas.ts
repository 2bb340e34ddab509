import { z } from 'zod';
import { text, uuid } from '../http/common.schemas.ts';
import type { AckReply } from '../realtime/socket-handler.ts';
import type { Leaderboard, LeaderboardView, playerInput, showLeaderboardInput } from './leaderboard.schemas.ts';

export const pollType = z.enum(['single', 'multiple', 'rating', 'text', 'wordcloud']);
export type PollType = z.infer<typeof pollType>;

export const resultsVisibility = z.enum(['live', 'afterClose']);

export const MAX_OPTIONS = 10;
/** A rating poll asks for an integer from 1 to this. */
export const RATING_MAX = 5;
export const TEXT_ANSWER_MAX = 280;
/** A word cloud answer is 1 to this many words (or short phrases)… */
export const WORDS_MAX = 3;
/** …each 1 to this many characters once trimmed. */
export const WORD_MAX_LENGTH = 25;
/** A poll's timer runs from 10 seconds to an hour. */
export const DURATION_MIN_SECONDS = 10;
export const DURATION_MAX_SECONDS = 3600;

const pollFields = {
  question: text(1, 500).meta({ description: 'The question, 1–500 characters.' }),
  type: pollType.meta({
    description:
      '`single` or `multiple` choice among `options`, a `rating` from 1 to 5, a short `text` answer, or a `wordcloud` of up to 3 short words.',
  }),
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
  durationSeconds: z
    .number()
    .int()
    .min(DURATION_MIN_SECONDS)
    .max(DURATION_MAX_SECONDS)
    .optional()
    .meta({ description: 'A timer, 10–3600 s from when the poll opens: the server closes it then and refuses later answers.' }),
  draft: z
    .boolean()
    .default(false)
    .meta({ description: 'Prepare the poll without opening it (also before class): managers see it, students do not, until launched.' }),
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
  .union(
    [
      z.number().int(),
      z.array(z.number().int()).max(MAX_OPTIONS),
      z.string().max(4 * TEXT_ANSWER_MAX),
      z.array(z.string().max(4 * WORD_MAX_LENGTH)).max(MAX_OPTIONS),
    ],
    { error: 'must be an option index, an array of option indexes, a rating 1–5, a text answer or an array of words' },
  )
  .meta({
    description:
      'single: an option index; multiple: a non-empty array of distinct option indexes; rating: an integer 1–5; text: 1–280 characters; wordcloud: 1–3 distinct words of 1–25 characters.',
  });
export type Choice = number | number[] | string | string[];

/** POST …/polls/:pollId/respond */
export const voteBody = z.strictObject({ choice: choiceSchema });

/** poll:vote */
export const pollVoteInput = z.strictObject({ pollId: uuid, choice: choiceSchema });

/** poll:close */
export const pollCloseInput = z.strictObject({ pollId: uuid });

/** poll:launch */
export const pollLaunchInput = z.strictObject({ pollId: uuid });

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
/** Answers that read the same once case and spacing are folded, counted together. */
export const answerGroup = z.object({
  text: z.string().meta({ description: 'The group as first written.' }),
  count: z.number().int(),
});
export const textResults = z.object({
  total: z.number().int(),
  answers: z.array(z.string()).meta({ description: 'Every answer, oldest first, without names.' }),
  groups: z
    .array(answerGroup)
    .meta({ description: 'The answers grouped with case and spacing folded, most given first (events: the top 100).' }),
});
export const wordResults = z.object({
  total: z.number().int().meta({ description: 'How many people answered.' }),
  words: z
    .array(answerGroup)
    .meta({ description: 'Each word (case and spacing folded) and how many people gave it, most given first (the top 100).' }),
});
// Rating first: a serializer that tried the choice shape first would strip `average`.
export const pollResults = z.union([ratingResults, choiceResults, textResults, wordResults]).meta({ id: 'PollResults' });
export type PollResults = z.infer<typeof pollResults>;

export const pollSchema = z
  .object({
    id: z.string(),
    sessionId: z.string(),
    question: z.string(),
    type: pollType,
    options: z.array(z.string()),
    status: z
      .enum(['draft', 'open', 'closed'])
      .meta({ description: '`draft` (managers only, until launched), `open` (taking answers) or `closed`.' }),
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
    myResult: z
      .object({ correct: z.boolean(), points: z.number().int() })
      .optional()
      .meta({ description: 'REST reads only, a closed quiz the caller answered: right or wrong, and the points it earned.' }),
    durationSeconds: z.number().int().nullable().meta({ description: 'The timer, or null when the poll closes by hand only.' }),
    createdAt: z.string(),
    openedAt: z.string().nullable().meta({ description: 'When it opened; null while a draft.' }),
    closesAt: z.string().nullable().meta({ description: 'When the timer closes it (openedAt + durationSeconds); null without a timer.' }),
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
        points: z.number().int().meta({ description: 'Quiz points over the closed quizzes (see the formula in docs/realtime.md).' }),
      }),
    )
    .meta({ description: 'Every roster student, by name.' }),
});

/** Server → room events of polls, for typed clients. Every payload carries the session's seq. */
export interface PollServerEvents {
  'poll:opened': (payload: { seq: number; poll: PollDto }) => void;
  'poll:results': (payload: { seq: number; pollId: string; results: PollResults }) => void;
  'poll:closed': (payload: { seq: number; poll: PollDto }) => void;
  /** The quiz leaderboard as shown to the class, or null when the mentor hides it. */
  'poll:leaderboard': (payload: { seq: number; leaderboard: Leaderboard | null }) => void;
}

/**
 * Poll notices to the session's managers only (no seq, not in the log): how many have answered, coalesced, for
 * every open poll, results hidden or not. A reload reads the same count from GET …/polls.
 */
export interface PollManagerNotices {
  'poll:count': (payload: { pollId: string; total: number }) => void;
}

/** Client → server events of polls, for typed clients; each is answered through its ack. */
export interface PollClientEvents {
  'poll:create': (payload: z.input<typeof pollCreateInput>, ack: (reply: AckReply<PollDto>) => void) => void;
  'poll:vote': (payload: z.input<typeof pollVoteInput>, ack: (reply: AckReply<z.infer<typeof voteResult>>) => void) => void;
  'poll:close': (payload: z.input<typeof pollCloseInput>, ack: (reply: AckReply<PollDto>) => void) => void;
  'poll:launch': (payload: z.input<typeof pollLaunchInput>, ack: (reply: AckReply<PollDto>) => void) => void;
  'poll:showLeaderboard': (payload: z.input<typeof showLeaderboardInput>, ack: (reply: AckReply<LeaderboardView>) => void) => void;
  'poll:player': (payload: z.input<typeof playerInput>, ack: (reply: AckReply<LeaderboardView>) => void) => void;
}
