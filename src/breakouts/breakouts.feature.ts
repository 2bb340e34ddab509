import type { ClassFeature } from '../classroom/feature.ts';
import type { BreakoutDeps } from './breakouts.changes.ts';
import { breakoutsRoutes } from './breakouts.routes.ts';
import { type BreakoutsService, createBreakoutsService } from './breakouts.service.ts';
import { registerBreakoutsSocket } from './breakouts.socket.ts';

/**
 * Breakout rooms as an in-class feature: routes, socket events, the round closing with its class, and its timers
 * armed at start. `onJoined` (after a session:join) and `roomLinkSettled` (the meeting worker) are wired by the app.
 */
export function createBreakoutsFeature(deps: BreakoutDeps): ClassFeature & Pick<BreakoutsService, 'onJoined' | 'roomLinkSettled'> {
  const breakouts = createBreakoutsService(deps);
  return {
    routes: breakoutsRoutes(breakouts),
    registerSocket: (on) => registerBreakoutsSocket(on, breakouts),
    onClassEnd: breakouts.onClassEnd,
    onJoined: breakouts.onJoined,
    roomLinkSettled: breakouts.roomLinkSettled,
    stop: breakouts.stop,
    recover: breakouts.start,
  };
}
