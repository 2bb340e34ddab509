import type { On } from '../realtime/socket-handler.ts';
import { playerInput, showLeaderboardInput } from './leaderboard.schemas.ts';
import type { LeaderboardService } from './leaderboard.service.ts';
import { pollCloseInput, pollCreateInput, pollLaunchInput, pollVoteInput } from './polls.schemas.ts';
import type { PollsService } from './polls.service.ts';

/** The poll socket events: the same schemas and service calls as the REST routes. */
export function registerPollsSocket(on: On, polls: PollsService, board: LeaderboardService): void {
  on('poll:create', pollCreateInput, async (actor, { sessionId, ...input }) => polls.create(actor, sessionId, input));
  on('poll:vote', pollVoteInput, async (actor, input) => polls.vote(actor, { pollId: input.pollId }, input.choice));
  on('poll:close', pollCloseInput, async (actor, input) => polls.close(actor, { pollId: input.pollId }));
  on('poll:launch', pollLaunchInput, async (actor, input) => polls.launch(actor, { pollId: input.pollId }));
  on('poll:showLeaderboard', showLeaderboardInput, async (actor, input) => board.show(actor, input.sessionId, input.shown));
  on('poll:player', playerInput, async (actor, { sessionId, ...input }) => board.setPlayer(actor, sessionId, input));
}
