import type { ClassDeps } from '../classroom/class-deps.ts';
import type { ClassFeature } from '../classroom/feature.ts';
import { handsRoutes } from './hands.routes.ts';
import { createHandsService } from './hands.service.ts';
import { registerHandsSocket } from './hands.socket.ts';

/** Raised hands as an in-class feature; `onRosterRemoved` lowers the hands of someone who left the course. */
export function createHandsFeature(
  deps: ClassDeps,
): ClassFeature & { onRosterRemoved: (courseId: string, userId: string) => Promise<void> } {
  const hands = createHandsService(deps);
  return {
    routes: handsRoutes(hands),
    registerSocket: (on) => registerHandsSocket(on, hands),
    onClassEnd: (trx, sessionId) => hands.onClassEnd(trx, sessionId),
    onRosterRemoved: hands.onRosterRemoved,
    stop: hands.stop,
    recover: hands.recover,
  };
}
