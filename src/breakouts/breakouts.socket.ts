import type { On } from '../realtime/socket-handler.ts';
import {
  breakoutBroadcastInput,
  breakoutChooseInput,
  breakoutCloseInput,
  breakoutHelpInput,
  breakoutMoveInput,
  breakoutOpenInput,
  breakoutTimerInput,
} from './breakouts.schemas.ts';
import type { BreakoutsService } from './breakouts.service.ts';

/** breakout:open|move|choose|timer|broadcast|help|close: the same schemas and service calls as the REST routes. */
export function registerBreakoutsSocket(on: On, breakouts: BreakoutsService): void {
  on('breakout:open', breakoutOpenInput, async (actor, { sessionId, ...body }) => breakouts.open(actor, sessionId, body));
  on('breakout:move', breakoutMoveInput, async (actor, i) => breakouts.move(actor, i.sessionId, i.roundId, i.userId, i.roomId));
  on('breakout:choose', breakoutChooseInput, async (actor, i) => breakouts.choose(actor, i.sessionId, i.roundId, i.roomId));
  on('breakout:timer', breakoutTimerInput, async (actor, i) => breakouts.retime(actor, i.sessionId, i.roundId, i.addMinutes));
  on('breakout:broadcast', breakoutBroadcastInput, async (actor, i) => breakouts.broadcast(actor, i.sessionId, i.roundId, i.text));
  on('breakout:help', breakoutHelpInput, async (actor, i) => breakouts.help(actor, i.sessionId, i.roundId, i.roomId, i.done));
  on('breakout:close', breakoutCloseInput, async (actor, i) => breakouts.close(actor, i.sessionId, i.roundId, i.now));
}
