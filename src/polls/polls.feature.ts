import type { ClassDeps } from '../classroom/class-deps.ts';
import type { ClassFeature } from '../classroom/feature.ts';
import { pollsRoutes } from './polls.routes.ts';
import { createPollsService } from './polls.service.ts';
import { registerPollsSocket } from './polls.socket.ts';

/** Polls as an in-class feature: REST routes, socket events, closing open polls when the class ends. */
export function createPollsFeature(deps: ClassDeps): ClassFeature {
  const polls = createPollsService(deps);
  return {
    routes: pollsRoutes(polls),
    registerSocket: (on) => registerPollsSocket(on, polls),
    onClassEnd: async (trx, sessionId, at) => ({ events: await polls.onClassEnd(trx, sessionId, at) }),
    stop: polls.stop,
    recover: polls.recover,
  };
}
