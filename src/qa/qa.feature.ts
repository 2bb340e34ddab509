import type { ClassDeps } from '../classroom/class-deps.ts';
import type { ClassFeature } from '../classroom/feature.ts';
import { qaRoutes } from './qa.routes.ts';
import { createQaService } from './qa.service.ts';
import { registerQaSocket } from './qa.socket.ts';

/** Q&A: REST routes and socket events over one service; its upvote broadcasts stop with the app. */
export function createQaFeature(deps: ClassDeps): ClassFeature {
  const qa = createQaService(deps);
  return { routes: qaRoutes(qa), registerSocket: (on) => registerQaSocket(on, qa), stop: () => qa.stop(), recover: () => qa.recover() };
}
