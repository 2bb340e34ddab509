import { z } from 'zod';
import { authorSchema } from '../chat/chat.schemas.ts';
import { pageQuery, text, uuid } from '../http/common.schemas.ts';
import type { AckReply } from '../realtime/socket-handler.ts';

const questionText = text(1, 1000).meta({ description: 'The question, 1–1000 characters; shown as plain text, never as HTML.' });
const answerText = text(1, 5000).meta({ description: 'A written answer, 1–5000 characters. Leave it out for "answered live".' });
const anonymous = z.boolean().default(false).meta({
  description:
    'Ask without a name (needs the session setting anonymousQuestions). Nobody else is told who asked; the asker sees `askedByMe`.',
});

/** `qa:ask` over Socket.IO. */
export const qaAskInput = z.strictObject({ sessionId: uuid, question: questionText, anonymous });
export type QaAskInput = z.infer<typeof qaAskInput>;

/** `POST …/qa`. */
export const qaAskBody = z.strictObject({ question: questionText, anonymous });

/** `qa:upvote`, `qa:dismiss`, `qa:approve` and `qa:reject` over Socket.IO. */
export const qaIdInput = z.strictObject({ qaId: uuid });

/** `qa:answer` over Socket.IO. */
export const qaAnswerInput = z.strictObject({ qaId: uuid, answer: answerText.optional() });

/** `POST …/qa/:qaId/answer`; the body may be left out entirely for "answered live". */
export const qaAnswerBody = z.strictObject({ answer: answerText.optional() }).nullish();

export const qaParams = z.strictObject({ sessionId: uuid, qaId: uuid });

const answeringId = uuid.nullable().meta({ description: 'The open question the mentor is answering now; null for none.' });

/** `qa:highlight` over Socket.IO: "answering now", one question at a time per session. */
export const qaHighlightInput = z.strictObject({ sessionId: uuid, qaId: answeringId });

/** `PUT …/qa/answering`. */
export const qaHighlightBody = z.strictObject({ qaId: answeringId });

export const qaStatus = z.enum(['pending', 'open', 'answered', 'dismissed', 'rejected']).meta({
  description:
    '`pending`: waiting for review (reviewQuestions), seen by managers and the asker only; `open`; `answered`; `dismissed` and `rejected`: gone from everyone but managers.',
});

export const qaListQuery = z.strictObject({
  sort: z
    .enum(['votes', 'recent'])
    .default('votes')
    .meta({ description: '`votes` (default): most upvoted first, then oldest first. `recent`: newest first.' }),
  status: qaStatus.optional().meta({
    description:
      'Only questions in this state. Default: all that the caller may see — managers every question, others open and answered ones and their own pending ones.',
  }),
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

/**
 * What qa:ask, qa:answer, qa:dismiss, qa:approve and qa:reject ack (and their routes return): the question as the
 * caller may see it and the seq of the change's first event.
 */
export const recordedQuestionSchema = questionSchema.extend({ seq: z.number().int() });

export const listedQuestionSchema = questionSchema.extend({
  upvotedByMe: z.boolean().meta({ description: 'Whether the caller has upvoted it.' }),
  askedByMe: z.boolean().meta({ description: 'Whether the caller asked it, anonymous questions included (only the asker is told).' }),
  answeringNow: z.boolean().meta({ description: 'Whether a mentor is answering it now (at most one per session).' }),
});
export type ListedQuestion = z.infer<typeof listedQuestionSchema>;

export const qaPage = z.object({ items: z.array(listedQuestionSchema), nextCursor: z.string().nullable() });

export const upvoteResult = z.object({
  upvoted: z.boolean().meta({ description: "Whether the caller now upvotes the question (the toggle's new state)." }),
  upvotes: z.number().int().meta({ description: "The question's upvotes after the commit that holds this toggle." }),
});
export type UpvoteResult = z.infer<typeof upvoteResult>;

/** What qa:highlight acks and PUT …/qa/answering returns: the qa:answering payload. */
export const answeringResult = z.object({ qaId: z.string().nullable(), seq: z.number().int() });

/** Why a question left the students' view. */
export type RemovedReason = 'dismissed' | 'rejected';

/**
 * Server → room events of Q&A, for typed clients. Every payload carries the session's seq. One payload goes to the
 * whole room, so none names the asker of an anonymous question, and a question waiting for review is never in one:
 * the room hears only how many wait (`qa:queue`), and managers read them with GET …/qa?status=pending.
 */
export interface QaServerEvents {
  /** A question everyone may see: asked (without review) or approved. */
  'qa:question': (payload: { seq: number; question: Question }) => void;
  'qa:updated': (payload: { seq: number; question: Question }) => void;
  /** The question left the students' view; its asker is the one to tell. */
  'qa:removed': (payload: { seq: number; qaId: string; reason: RemovedReason }) => void;
  /** How many questions wait for review, after one was asked, approved or rejected. */
  'qa:queue': (payload: { seq: number; pending: number }) => void;
  /** The question a mentor is answering now, or null. */
  'qa:answering': (payload: { seq: number; qaId: string | null }) => void;
}

type RecordedQuestion = z.infer<typeof recordedQuestionSchema>;

/** Client → server events of Q&A, for typed clients; each is answered through its ack. */
export interface QaClientEvents {
  'qa:ask': (payload: z.input<typeof qaAskInput>, ack: (reply: AckReply<RecordedQuestion>) => void) => void;
  'qa:upvote': (payload: z.input<typeof qaIdInput>, ack: (reply: AckReply<UpvoteResult>) => void) => void;
  'qa:answer': (payload: z.input<typeof qaAnswerInput>, ack: (reply: AckReply<RecordedQuestion>) => void) => void;
  'qa:dismiss': (payload: z.input<typeof qaIdInput>, ack: (reply: AckReply<RecordedQuestion>) => void) => void;
  'qa:approve': (payload: z.input<typeof qaIdInput>, ack: (reply: AckReply<RecordedQuestion>) => void) => void;
  'qa:reject': (payload: z.input<typeof qaIdInput>, ack: (reply: AckReply<RecordedQuestion>) => void) => void;
  'qa:highlight': (payload: z.input<typeof qaHighlightInput>, ack: (reply: AckReply<z.infer<typeof answeringResult>>) => void) => void;
}
