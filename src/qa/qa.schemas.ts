import { z } from 'zod';
import { authorSchema } from '../chat/chat.schemas.ts';
import { pageQuery, text, uuid } from '../http/common.schemas.ts';
import type { AckReply } from '../realtime/socket-handler.ts';

const questionText = text(1, 1000).meta({ description: 'The question, 1–1000 characters; shown as plain text, never as HTML.' });
const answerText = text(1, 5000).meta({ description: 'A written answer, 1–5000 characters. Leave it out for "answered live".' });
const anonymous = z
  .boolean()
  .default(false)
  .meta({ description: 'Ask without a name (needs the session setting anonymousQuestions). Only the audit log keeps who asked.' });

/** `qa:ask` over Socket.IO. */
export const qaAskInput = z.strictObject({ sessionId: uuid, question: questionText, anonymous });
export type QaAskInput = z.infer<typeof qaAskInput>;

/** `POST …/qa`. */
export const qaAskBody = z.strictObject({ question: questionText, anonymous });

/** `qa:upvote` and `qa:dismiss` over Socket.IO. */
export const qaIdInput = z.strictObject({ qaId: uuid });

/** `qa:answer` over Socket.IO. */
export const qaAnswerInput = z.strictObject({ qaId: uuid, answer: answerText.optional() });

/** `POST …/qa/:qaId/answer`; the body may be left out entirely for "answered live". */
export const qaAnswerBody = z.strictObject({ answer: answerText.optional() }).nullish();

export const qaParams = z.strictObject({ sessionId: uuid, qaId: uuid });

export const qaStatus = z.enum(['open', 'answered', 'dismissed']);

export const qaListQuery = z.strictObject({
  sort: z
    .enum(['votes', 'recent'])
    .default('votes')
    .meta({ description: '`votes` (default): most upvoted first, then oldest first. `recent`: newest first.' }),
  status: qaStatus.optional().meta({ description: 'Only questions in this state (default: all, dismissed included).' }),
  ...pageQuery,
});
export type QaListQuery = z.infer<typeof qaListQuery>;

export const questionSchema = z
  .object({
    id: z.string(),
    question: z.string(),
    anonymous: z.boolean(),
    author: authorSchema.optional().meta({ description: 'Absent for anonymous questions, whoever is asking.' }),
    upvotes: z.number().int(),
    status: qaStatus,
    answer: z.string().optional().meta({ description: 'The written answer; absent while open, and for "answered live".' }),
    createdAt: z.string(),
  })
  .meta({ id: 'Question' });
export type Question = z.infer<typeof questionSchema>;

/** What qa:ask, qa:answer and qa:dismiss ack (and their routes return): the question and its event's seq. */
export const recordedQuestionSchema = questionSchema.extend({ seq: z.number().int() });

export const listedQuestionSchema = questionSchema.extend({
  upvotedByMe: z.boolean().meta({ description: 'Whether the caller has upvoted it.' }),
});

export const qaPage = z.object({ items: z.array(listedQuestionSchema), nextCursor: z.string().nullable() });

export const upvoteResult = z.object({
  upvoted: z.boolean().meta({ description: "Whether the caller now upvotes the question (the toggle's new state)." }),
  upvotes: z.number().int().meta({ description: "The question's upvotes after the commit that holds this toggle." }),
});
export type UpvoteResult = z.infer<typeof upvoteResult>;

/** Server → room events of Q&A, for typed clients. Every payload carries the session's seq. */
export interface QaServerEvents {
  'qa:question': (payload: { seq: number; question: Question }) => void;
  'qa:updated': (payload: { seq: number; question: Question }) => void;
}

type RecordedQuestion = z.infer<typeof recordedQuestionSchema>;

/** Client → server events of Q&A, for typed clients; each is answered through its ack. */
export interface QaClientEvents {
  'qa:ask': (payload: z.input<typeof qaAskInput>, ack: (reply: AckReply<RecordedQuestion>) => void) => void;
  'qa:upvote': (payload: z.input<typeof qaIdInput>, ack: (reply: AckReply<UpvoteResult>) => void) => void;
  'qa:answer': (payload: z.input<typeof qaAnswerInput>, ack: (reply: AckReply<RecordedQuestion>) => void) => void;
  'qa:dismiss': (payload: z.input<typeof qaIdInput>, ack: (reply: AckReply<RecordedQuestion>) => void) => void;
}
