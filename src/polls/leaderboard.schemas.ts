import { z } from 'zod';
import { text, uuid } from '../http/common.schemas.ts';

/** The leaderboard lists this many students at most. */
export const LEADERBOARD_SIZE = 10;
export const NICKNAME_MAX = 24;

/** How a student appears on the leaderboard: not by name (`hidden`, the default), by `name`, or by `nickname`. */
export const showAs = z.enum(['hidden', 'name', 'nickname']);

const shownBody = {
  shown: z.boolean().meta({ description: 'true shows the leaderboard to the class (and keeps it current); false hides it.' }),
};
const playerFields = {
  showAs: showAs.meta({ description: '`hidden` (default): listed without a name; `name`: your name; `nickname`: the nickname below.' }),
  nickname: text(1, NICKNAME_MAX).optional().meta({ description: 'With `showAs: "nickname"`: 1–24 characters.' }),
};

function checkNickname(p: { showAs: z.infer<typeof showAs>; nickname?: string }, ctx: z.RefinementCtx): void {
  if (p.showAs === 'nickname' && p.nickname === undefined) {
    ctx.addIssue({ code: 'custom', path: ['nickname'], message: 'is required with showAs "nickname"' });
  }
  if (p.showAs !== 'nickname' && p.nickname !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['nickname'], message: 'goes with showAs "nickname" only' });
  }
}

/** PUT …/polls/leaderboard */
export const showLeaderboardBody = z.strictObject(shownBody);
/** poll:showLeaderboard */
export const showLeaderboardInput = z.strictObject({ sessionId: uuid, ...shownBody });
/** PUT …/polls/leaderboard/me */
export const playerBody = z.strictObject(playerFields).superRefine(checkNickname);
export type PlayerBody = z.infer<typeof playerBody>;
/** poll:player */
export const playerInput = z.strictObject({ sessionId: uuid, ...playerFields }).superRefine(checkNickname);

export const leaderboardEntry = z.object({
  rank: z.number().int().meta({ description: '1 for the most points; equal points share a rank.' }),
  name: z.string().nullable().meta({ description: "The student's name or nickname as they opted in; null for one who did not." }),
  points: z.number().int(),
  correct: z.number().int().meta({ description: 'Right answers.' }),
});

export const leaderboardSchema = z
  .object({
    sessionId: z.string(),
    quizzes: z.number().int().meta({ description: 'Closed, non-anonymous quizzes counted.' }),
    entries: z.array(leaderboardEntry).meta({ description: 'The top 10 students who answered a counted quiz.' }),
  })
  .meta({ id: 'Leaderboard' });
export type Leaderboard = z.infer<typeof leaderboardSchema>;

export const leaderboardView = leaderboardSchema
  .extend({
    shown: z.boolean().meta({ description: 'Whether the class sees it now.' }),
    me: z
      .object({
        rank: z.number().int().nullable().meta({ description: 'null before the caller answered a counted quiz.' }),
        points: z.number().int(),
        correct: z.number().int(),
        showAs,
        nickname: z.string().nullable(),
      })
      .nullable()
      .meta({ description: "The caller's own standing and opt-in (students); null for others." }),
  })
  .meta({ id: 'LeaderboardView' });
export type LeaderboardView = z.infer<typeof leaderboardView>;
