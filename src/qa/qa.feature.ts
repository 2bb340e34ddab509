import type { ClassDeps } from '../classroom/class-deps.ts';
import type { ClassFeature } from '../classroom/feature.ts';
import { clearAnsweringAtClassEnd } from './qa.moderation.ts';
import { qaRoutes } from './qa.routes.ts';
import { createQaService } from './qa.service.ts';
import { registerQaSocket } from './qa.socket.ts';

/**
 * Q&A: REST routes and socket events over one service; its upvote broadcasts stop with the app, "answering now" ends
 * with the class, and questions since dismissed or rejected leave students' replays.
 */
export function createQaFeature(deps: ClassDeps): ClassFeature {
  const qa = createQaService(deps);
  return {
    routes: qaRoutes(qa),
    registerSocket: (on) => registerQaSocket(on, qa),
    stop: () => qa.stop(),
    recover: () => qa.recover(),
    onClassEnd: clearAnsweringAtClassEnd,
    shapeReplay: qa.shapeReplay,
  };
}
