import type { On } from '../realtime/socket-handler.ts';
import { pollCloseInput, pollCreateInput, pollVoteInput } from './polls.schemas.ts';
import type { PollsService } from './polls.service.ts';

/** poll:create, poll:vote and poll:close: the same schemas and service calls as the REST routes. */
export function registerPollsSocket(on: On, polls: PollsService): void {
  on('poll:create', pollCreateInput, async (actor, { sessionId, ...input }) => polls.create(actor, sessionId, input));
  on('poll:vote', pollVoteInput, async (actor, input) => polls.vote(actor, { pollId: input.pollId }, input.choice));
  on('poll:close', pollCloseInput, async (actor, input) => polls.close(actor, { pollId: input.pollId }));
}
