import type { ClassDeps } from '../classroom/class-deps.ts';
import type { ClassFeature } from '../classroom/feature.ts';
import { reactionsRoutes } from './reactions.routes.ts';
import { createReactionsService, type EmitBurst } from './reactions.service.ts';
import { registerReactionsSocket } from './reactions.socket.ts';

/** Quick reactions as an in-class feature: counted per node, sent as a burst a second at most. */
export function createReactionsFeature(deps: ClassDeps, emitBurst: EmitBurst): ClassFeature {
  const reactions = createReactionsService(deps, emitBurst);
  return { routes: reactionsRoutes(reactions), registerSocket: (on) => registerReactionsSocket(on, reactions), stop: reactions.stop };
}
