import type { ClassDeps } from '../classroom/class-deps.ts';
import type { ClassFeature } from '../classroom/feature.ts';
import { leaderboardRoutes } from './leaderboard.routes.ts';
import { createLeaderboardService } from './leaderboard.service.ts';
import type { NotifyManagers } from './polls.count.ts';
import { pollsRoutes } from './polls.routes.ts';
import { createPollsService } from './polls.service.ts';
import { registerPollsSocket } from './polls.socket.ts';

/**
 * Polls as an in-class feature: REST routes, socket events, the quiz leaderboard, timers that close polls on time,
 * and closing open polls when the class ends. `notifyManagers` reaches the session's managers only (poll:count).
 */
export function createPollsFeature(deps: ClassDeps, notifyManagers: NotifyManagers = () => {}): ClassFeature {
  const board = createLeaderboardService(deps);
  const polls = createPollsService(deps, board, notifyManagers);
  return {
    routes: async (app) => {
      await app.register(leaderboardRoutes(board));
      await app.register(pollsRoutes(polls));
    },
    registerSocket: (on) => registerPollsSocket(on, polls, board),
    onClassEnd: async (trx, sessionId, at) => ({ events: await polls.onClassEnd(trx, sessionId, at) }),
    stop: async () => {
      await polls.stop();
      await board.stop();
    },
    recover: async () => {
      await polls.recover();
      await board.recover();
    },
  };
}
