import type { On } from '../realtime/socket-handler.ts';
import { reactionSendInput } from './reactions.schemas.ts';
import type { ReactionsService } from './reactions.service.ts';

/** reaction:send: the same schema and service call as the REST route. */
export function registerReactionsSocket(on: On, reactions: ReactionsService): void {
  on('reaction:send', reactionSendInput, async (actor, input) => reactions.send(actor, input.sessionId, input.reaction));
}
