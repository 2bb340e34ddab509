import type { Transaction } from 'kysely';
import type { AuditAction } from '../audit/audit.actions.ts';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { createBatcher } from '../db/batcher.ts';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import { type ClassDeps, recordChange, seqOf } from '../classroom/class-deps.ts';
import { createAccessCache } from '../classroom/access-cache.ts';
import { createOwedBroadcasts } from '../classroom/owed-broadcasts.ts';
import { sessionTarget } from '../classroom/session-access.ts';
import { requireLive, requireSetting } from '../classroom/session-guards.ts';
import { parseQaCursor, qaCursorOf } from './qa.cursor.ts';
import { toListedQuestionDto, toQuestionDto } from './qa.presenter.ts';
import {
  clearBroadcastPending,
  findQuestion,
  findQuestionView,
  insertQuestion,
  listPendingBroadcasts,
  listQuestions,
  markAnswered,
  markDismissed,
  type QuestionRow,
} from './qa.repo.ts';
import type { QaAskInput, QaListQuery } from './qa.schemas.ts';
import { applyUpvoteToggles, type UpvoteOutcome, type UpvoteToggle } from './qa.upvotes.ts';

/** At most ~3 qa:updated per second per question, however fast the upvotes come. */
const UPVOTE_BROADCAST_MS = 300;

export type QaService = ReturnType<typeof createQaService>;

/** Asking, upvoting and answering happen in a live class with Q&A on. */
function requireQaOpen(session: LiveSessionRow | undefined): asserts session is LiveSessionRow {
  if (!session) throw new AppError('SESSION_NOT_FOUND', 'The session was not found');
  requireLive(session);
  requireSetting(session, 'qa_enabled');
}

const questionTarget = (session: LiveSessionRow, qaId: string) => ({
  type: 'question',
  id: qaId,
  courseId: session.course_id,
  sessionId: session.id,
});

/**
 * Q&A: members ask (anonymously when the session allows) and upvote; course mentors and admins answer and dismiss.
 * Upvotes are batched into shared transactions and their broadcasts coalesced per question. Socket.IO and REST call
 * these same methods.
 */
export function createQaService(deps: ClassDeps) {
  const { db, audit, loadSession, limits } = deps;
  const upvotes = createBatcher<UpvoteToggle, UpvoteOutcome>(db, applyUpvoteToggles, { observer: deps.observeBatches?.('upvotes') });
  // A question's session never changes, and an upvote on a question answered or dismissed meanwhile is refused by the
  // upvote batch (openQuestionIds): upvotes read each question once per TTL, not once per click.
  const questions = createAccessCache<QuestionRow | undefined>((row) => row !== undefined);
  const findQuestionCached = (qaId: string) => questions.get(qaId, () => findQuestion(db, qaId));
  const upvoteBroadcasts = createOwedBroadcasts(deps, {
    what: 'qa:updated broadcast',
    intervalMs: UPVOTE_BROADCAST_MS,
    listOwed: listPendingBroadcasts,
    send: async (trx, { id: qaId }) => {
      await clearBroadcastPending(trx, qaId);
      const view = await findQuestionView(trx, qaId);
      return view ? [{ event: 'qa:updated', payload: { question: toQuestionDto(view) } }] : [];
    },
  });

  /**
   * The question and its session, with the caller's access to it checked first. A question the caller cannot see is
   * QUESTION_NOT_FOUND; `sessionId` (REST) scopes the lookup to that session.
   */
  async function loadQuestion(
    actor: Actor,
    qaId: string,
    need: 'view' | 'manage',
    action: AuditAction,
    sessionId?: string,
    cached = false,
  ) {
    const scoped = sessionId ? await loadSession(actor, sessionId, need, action) : undefined;
    const question = await (cached ? findQuestionCached(qaId) : findQuestion(db, qaId));
    if (!question || (scoped && question.session_id !== scoped.session.id)) throw questionNotFound(qaId);
    const access =
      scoped ??
      (await loadSession(actor, question.session_id, need, action).catch((err: unknown) => {
        throw err instanceof AppError && err.code === 'SESSION_NOT_FOUND' ? questionNotFound(qaId) : err;
      }));
    return { ...access, question };
  }

  /** Changes one question and broadcasts qa:updated with its new state; returns it with the event's seq. */
  async function changeQuestion(
    actor: Actor,
    action: AuditAction,
    session: LiveSessionRow,
    question: QuestionRow,
    change: (trx: Transaction<Database>) => Promise<void>,
  ) {
    const { result, events } = await audit.guard(actor, action, sessionTarget(session), () =>
      recordChange(deps, session.id, async (trx) => {
        await change(trx);
        await insertAuditEntry(trx, auditEntry(actor, action, questionTarget(session, question.id), 'success'));
        const view = await findQuestionView(trx, question.id);
        if (!view) throw questionNotFound(question.id);
        const dto = toQuestionDto(view);
        return { result: dto, events: [{ event: 'qa:updated', payload: { question: dto } }] };
      }),
    );
    questions.invalidate(question.id);
    return { ...result, seq: seqOf(events) };
  }

  return {
    /** Persists a question and broadcasts qa:question. An anonymous one is stored without its author. */
    async ask(actor: Actor, sessionId: string, input: Omit<QaAskInput, 'sessionId'>) {
      const { session, membership } = await loadSession(actor, sessionId, 'view', 'qa.ask');
      const checks = (s: LiveSessionRow | undefined) => {
        requireQaOpen(s);
        if (input.anonymous) requireSetting(s, 'anonymous_questions');
      };
      await audit.guard(actor, 'qa.ask', sessionTarget(session), () => checks(session));
      await limits.take(actor, 'question');
      const { result, events } = await audit.guard(actor, 'qa.ask', sessionTarget(session), () =>
        recordChange(deps, session.id, async (trx) => {
          checks(await lockSession(trx, session.id));
          const row = await insertQuestion(trx, {
            session_id: session.id,
            user_id: input.anonymous ? null : actor.id,
            question: input.question,
            anonymous: input.anonymous,
            status: 'open',
            answer: null,
            answered_by: null,
            answered_at: null,
            updated_at: new Date(),
          });
          // For an anonymous question this audit row is the only record of who asked.
          await insertAuditEntry(
            trx,
            auditEntry(actor, 'qa.ask', questionTarget(session, row.id), 'success', { anonymous: row.anonymous }),
          );
          const dto = toQuestionDto({ ...row, author_name: actor.name, token_role: actor.role, roster_role: membership });
          return { result: dto, events: [{ event: 'qa:question', payload: { question: dto } }] };
        }),
      );
      return { ...result, seq: seqOf(events) };
    },

    /** Toggles the caller's upvote on an open question; acks after the commit that holds it. */
    async upvote(actor: Actor, qaId: string, sessionId?: string) {
      const { session, question } = await loadQuestion(actor, qaId, 'view', 'qa.upvote', sessionId, true);
      await audit.guard(actor, 'qa.upvote', sessionTarget(session), () => {
        requireQaOpen(session);
        if (question.status !== 'open') throw questionClosed(question.status);
      });
      await limits.take(actor, 'upvote');
      const outcome = await upvotes.submit({ actor, qaId: question.id, target: questionTarget(session, question.id) });
      if (outcome === 'closed') throw await audit.deny(actor, 'qa.upvote', sessionTarget(session), questionClosed('answered or dismissed'));
      upvoteBroadcasts.owe(session.id, question.id);
      return outcome;
    },

    /** Marks a question answered, with a written answer or none ("answered live"); answering again replaces it. */
    async answer(actor: Actor, qaId: string, answer: string | undefined, sessionId?: string) {
      const { session, question } = await loadQuestion(actor, qaId, 'manage', 'qa.answer', sessionId);
      await audit.guard(actor, 'qa.answer', sessionTarget(session), () => {
        requireQaOpen(session);
        if (question.status === 'dismissed') throw questionClosed(question.status);
      });
      return changeQuestion(actor, 'qa.answer', session, question, async (trx) => {
        requireQaOpen(await lockSession(trx, session.id));
        if (!(await markAnswered(trx, question.id, answer ?? null, actor.id, new Date()))) throw questionClosed('dismissed');
      });
    },

    /** Dismisses a question: allowed in any class state and with Q&A off, so mentors can always clean up. */
    async dismiss(actor: Actor, qaId: string, sessionId?: string) {
      const { session, question } = await loadQuestion(actor, qaId, 'manage', 'qa.dismiss', sessionId);
      await audit.guard(actor, 'qa.dismiss', sessionTarget(session), () => {
        if (question.status === 'dismissed') throw questionClosed(question.status);
      });
      return changeQuestion(actor, 'qa.dismiss', session, question, async (trx) => {
        if (!(await markDismissed(trx, question.id, new Date()))) throw questionClosed('dismissed');
      });
    },

    /** A session's questions by votes or by time, with whether the caller upvoted each (members; any class state). */
    async list(actor: Actor, sessionId: string, query: QaListQuery) {
      const { session } = await loadSession(actor, sessionId, 'view', 'qa.read');
      const after = query.cursor ? decodeCursor(query.cursor, (v) => parseQaCursor(v, query.sort)) : undefined;
      const rows = await listQuestions(db, {
        sessionId: session.id,
        viewerId: actor.id,
        sort: query.sort,
        status: query.status,
        after,
        limit: query.limit + 1,
      });
      return toPage(rows, query.limit, toListedQuestionDto, (row) => qaCursorOf(row, query.sort));
    },

    /** Sends the upvote counts still owed, then stops. */
    stop(): Promise<void> {
      return upvoteBroadcasts.stop();
    },

    /** Counts a stopped process still owed go out again. */
    recover(): Promise<void> {
      return upvoteBroadcasts.recover();
    },
  };
}

export function questionNotFound(qaId: string): AppError {
  return new AppError('QUESTION_NOT_FOUND', `Question ${qaId} was not found`);
}

function questionClosed(status: string): AppError {
  return new AppError('QUESTION_CLOSED', `The question is ${status}; this works only while it is open`);
}
