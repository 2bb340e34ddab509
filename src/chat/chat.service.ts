import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import type { LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { uuid } from '../http/common.schemas.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import { type ClassDeps, recordChange, seqOf } from '../classroom/class-deps.ts';
import { sessionTarget, type SessionAccess } from '../classroom/session-access.ts';
import { requireLive, requireSetting } from '../classroom/session-guards.ts';
import { actorAsAuthor, toListedMessageDto, toMessageDto } from './chat.presenter.ts';
import { INSTANT_KEY } from '../db/instants.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { requireNoBlockedWords } from '../courses/moderation.service.ts';
import { findMessage, insertMessage, listMessages, softDeleteMessage } from './chat.repo.ts';
import type { ChatListQuery, ChatSendInput } from './chat.schemas.ts';

export type ChatService = ReturnType<typeof createChatService>;

/** Chat happens in a live class with chat turned on. */
function requireChatOpen(session: LiveSessionRow | undefined): asserts session is LiveSessionRow {
  if (!session) throw new AppError('SESSION_NOT_FOUND', 'The session was not found');
  requireLive(session);
  requireSetting(session, 'chat_enabled');
}

/**
 * Chat: any course member (or admin) writes while the class is live and chat is on; course mentors and admins delete.
 * Socket.IO and REST call these same methods.
 */
export function createChatService(deps: ClassDeps) {
  const { db, audit, loadSession, limits } = deps;

  return {
    /** Persists a message and broadcasts chat:message; returns the message with its event's seq. */
    async send(actor: Actor, sessionId: string, input: Omit<ChatSendInput, 'sessionId'>) {
      const { session, membership } = await loadSession(actor, sessionId, 'view', 'chat.send');
      await audit.guard(actor, 'chat.send', sessionTarget(session), () => requireChatOpen(session));
      await limits.take(actor, 'chat');
      // After the limit: a refused message counts, so the course's blocked words cannot be probed quickly.
      await audit.guard(actor, 'chat.send', sessionTarget(session), () => requireNoBlockedWords(db, session.course_id, input.body, 'body'));
      const author = actorAsAuthor(actor, membership);
      const { result: message, events } = await audit.guard(actor, 'chat.send', sessionTarget(session), () =>
        recordChange(deps, session.id, async (trx) => {
          // Again under the session lock: the class may have ended (or chat been turned off) since the check above.
          requireChatOpen(await lockSession(trx, session.id));
          const row = await insertMessage(trx, {
            session_id: session.id,
            user_id: actor.id,
            type: input.type,
            body: input.body,
            deleted_at: null,
            deleted_by: null,
          });
          const target = { type: 'chat_message', id: row.id, courseId: session.course_id, sessionId: session.id };
          await insertAuditEntry(trx, auditEntry(actor, 'chat.send', target, 'success', { type: row.type }));
          const dto = toMessageDto(row, author);
          return { result: dto, events: [{ event: 'chat:message', payload: { message: dto } }] };
        }),
      );
      return { ...message, seq: seqOf(events) };
    },

    /**
     * Soft-deletes a message (course mentors, admins) and broadcasts chat:deleted. Allowed in any class state and
     * with chat off, so mentors can always clean up. An unknown, already deleted, or invisible message is
     * MESSAGE_NOT_FOUND. `sessionId` (REST) scopes the lookup to that session.
     */
    async remove(actor: Actor, messageId: string, sessionId?: string) {
      const scoped = sessionId ? await loadSession(actor, sessionId, 'manage', 'chat.delete') : undefined;
      const message = await findMessage(db, messageId);
      if (!message || (scoped && message.session_id !== scoped.session.id)) throw messageNotFound(messageId);
      const { session } = scoped ?? (await loadMessageSession(actor, message.session_id, messageId));
      const { events } = await recordChange(deps, session.id, async (trx) => {
        if (!(await softDeleteMessage(trx, message.id, actor.id, new Date()))) throw messageNotFound(messageId);
        const target = { type: 'chat_message', id: message.id, courseId: session.course_id, sessionId: session.id };
        await insertAuditEntry(trx, auditEntry(actor, 'chat.delete', target, 'success', { authorId: message.user_id }));
        return { result: null, events: [{ event: 'chat:deleted', payload: { messageId: message.id } }] };
      });
      return { messageId: message.id, seq: seqOf(events) };
    },

    /** The newest messages before the cursor, oldest first (members; any class state). */
    async list(actor: Actor, sessionId: string, query: ChatListQuery) {
      const { session } = await loadSession(actor, sessionId, 'view', 'chat.read');
      const before = query.cursor ? decodeCursor(query.cursor, parseChatCursor) : undefined;
      const rows = await listMessages(db, session, before, query.limit + 1);
      const page = toPage(rows, query.limit, toListedMessageDto, (row) => [row.created_key, row.id]);
      return { items: page.items.reverse(), nextCursor: page.nextCursor };
    },
  };

  /** The message's session, managed by the caller; one they cannot see is reported as a missing message. */
  async function loadMessageSession(actor: Actor, sessionId: string, messageId: string): Promise<SessionAccess> {
    try {
      return await loadSession(actor, sessionId, 'manage', 'chat.delete');
    } catch (err) {
      throw err instanceof AppError && err.code === 'SESSION_NOT_FOUND' ? messageNotFound(messageId) : err;
    }
  }
}

export function messageNotFound(messageId: string): AppError {
  return new AppError('MESSAGE_NOT_FOUND', `Message ${messageId} was not found`);
}

/** Accepts only the cursors we issue: an exact UTC instant and a UUID. */
function parseChatCursor(value: unknown): { at: string; id: string } | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || !INSTANT_KEY.test(at) || Number.isNaN(Date.parse(at))) return null;
  if (!uuid.safeParse(id).success) return null;
  return { at, id: id as string };
}
