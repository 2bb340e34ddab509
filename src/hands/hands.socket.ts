import type { On } from '../realtime/socket-handler.ts';
import { handLowerInput, handSessionInput } from './hands.schemas.ts';
import type { HandsService } from './hands.service.ts';

/** hand:raise, hand:lower and hand:lowerAll: the same schemas and service calls as the REST routes. */
export function registerHandsSocket(on: On, hands: HandsService): void {
  on('hand:raise', handSessionInput, async (actor, input) => hands.raise(actor, input.sessionId));
  on('hand:lower', handLowerInput, async (actor, input) => hands.lower(actor, input.sessionId, input.userId));
  on('hand:lowerAll', handSessionInput, async (actor, input) => hands.lowerAll(actor, input.sessionId));
}
