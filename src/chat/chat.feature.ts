import type { ClassDeps } from '../classroom/class-deps.ts';
import type { ClassFeature } from '../classroom/feature.ts';
import { chatRoutes } from './chat.routes.ts';
import { createChatService } from './chat.service.ts';
import { registerChatSocket } from './chat.socket.ts';

/** The class chat: REST routes and socket events over one service. */
export function createChatFeature(deps: ClassDeps): ClassFeature {
  const chat = createChatService(deps);
  return { routes: chatRoutes(chat), registerSocket: (on) => registerChatSocket(on, chat) };
}
