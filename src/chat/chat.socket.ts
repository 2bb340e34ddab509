import type { On } from '../realtime/socket-handler.ts';
import { chatDeleteInput, chatSendInput } from './chat.schemas.ts';
import type { ChatService } from './chat.service.ts';

/** chat:send and chat:delete: the same schemas and service calls as the REST routes. */
export function registerChatSocket(on: On, chat: ChatService): void {
  on('chat:send', chatSendInput, async (actor, { sessionId, ...input }) => chat.send(actor, sessionId, input));
  on('chat:delete', chatDeleteInput, async (actor, input) => chat.remove(actor, input.messageId));
}
