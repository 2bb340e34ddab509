import { z } from 'zod';
import { pageQuery, text, uuid } from '../http/common.schemas.ts';
import type { AckReply } from '../realtime/socket-handler.ts';

export const chatType = z.enum(['text', 'question', 'answer']).meta({ description: '`text` (default), `question` or `answer`.' });

/** Chat text: 1–2000 characters, stored as sent (trimmed) and never interpreted as HTML. */
const chatText = text(1, 2000).meta({ description: 'The message, 1–2000 characters; shown as plain text, never as HTML.' });

/** `chat:send` over Socket.IO. */
export const chatSendInput = z.strictObject({ sessionId: uuid, body: chatText, type: chatType.default('text') });
export type ChatSendInput = z.infer<typeof chatSendInput>;

/** `POST …/chat`: chat:send without the sessionId, which is in the path. */
export const chatPostBody = z.strictObject({ body: chatText, type: chatType.default('text') });

/** `chat:delete` over Socket.IO. */
export const chatDeleteInput = z.strictObject({ messageId: uuid });

export const chatMessageParams = z.strictObject({ sessionId: uuid, messageId: uuid });

export const chatListQuery = z.strictObject({
  ...pageQuery,
  cursor: pageQuery.cursor.meta({ description: "`nextCursor` of the previous page: the messages before that page's oldest one." }),
});
export type ChatListQuery = z.infer<typeof chatListQuery>;

/** Who wrote a message or asked a question. */
export const authorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z
      .enum(['student', 'mentor', 'admin'])
      .meta({ description: 'Their role in the course: `mentor` or `student` from the roster, `admin` for the LMS service.' }),
  })
  .meta({ id: 'Author' });
export type Author = z.infer<typeof authorSchema>;

export const chatMessageSchema = z
  .object({
    id: z.string(),
    type: chatType,
    body: z.string(),
    author: authorSchema,
    createdAt: z.string(),
  })
  .meta({ id: 'ChatMessage' });
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** What chat:send acks and POST …/chat returns: the message and the seq of its chat:message event. */
export const sentMessageSchema = chatMessageSchema.extend({ seq: z.number().int() });

/** What chat:delete acks and DELETE …/chat/:messageId returns: the chat:deleted payload. */
export const deletedMessageSchema = z.object({ messageId: z.string(), seq: z.number().int() });

export const chatPage = z.object({
  items: z.array(chatMessageSchema).meta({ description: 'The newest messages before the cursor, oldest first.' }),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the messages before these; null at the start.' }),
});

/** Server → room events of the chat, for typed clients. Every payload carries the session's seq. */
export interface ChatServerEvents {
  'chat:message': (payload: { seq: number; message: ChatMessage }) => void;
  'chat:deleted': (payload: { seq: number; messageId: string }) => void;
}

/** Client → server events of the chat, for typed clients; each is answered through its ack. */
export interface ChatClientEvents {
  'chat:send': (payload: z.input<typeof chatSendInput>, ack: (reply: AckReply<z.infer<typeof sentMessageSchema>>) => void) => void;
  'chat:delete': (payload: z.input<typeof chatDeleteInput>, ack: (reply: AckReply<z.infer<typeof deletedMessageSchema>>) => void) => void;
}
