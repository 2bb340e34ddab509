import type { On } from '../realtime/socket-handler.ts';
import { qaAnswerInput, qaAskInput, qaHighlightInput, qaIdInput } from './qa.schemas.ts';
import type { QaService } from './qa.service.ts';

/** Q&A's socket events: the same schemas and service calls as the REST routes. */
export function registerQaSocket(on: On, qa: QaService): void {
  on('qa:ask', qaAskInput, async (actor, { sessionId, ...input }) => qa.ask(actor, sessionId, input));
  on('qa:upvote', qaIdInput, async (actor, input) => qa.upvote(actor, input.qaId));
  on('qa:answer', qaAnswerInput, async (actor, input) => qa.answer(actor, input.qaId, input.answer));
  on('qa:dismiss', qaIdInput, async (actor, input) => qa.dismiss(actor, input.qaId));
  on('qa:approve', qaIdInput, async (actor, input) => qa.approve(actor, input.qaId));
  on('qa:reject', qaIdInput, async (actor, input) => qa.reject(actor, input.qaId));
  on('qa:highlight', qaHighlightInput, async (actor, input) => qa.highlight(actor, input.sessionId, input.qaId));
}
