import { enqueueWebhookEvent } from '../webhooks/outbox.ts';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { type ClassDeps, recordChange, seqOf } from '../classroom/class-deps.ts';
import { createOwedBroadcasts } from '../classroom/owed-broadcasts.ts';
import { sessionTarget } from '../classroom/session-access.ts';
import { requireSetting } from '../classroom/session-guards.ts';
import { requireNoBlockedWords } from '../courses/moderation.service.ts';
import { createBatcher } from '../db/batcher.ts';
import type { LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { EventDraft } from '../events/events.repo.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { createQaCore, questionClosed, questionPending, questionTarget, requireQaOpen } from './qa.core.ts';
import { parseQaCursor, qaCursorOf } from './qa.cursor.ts';
import { createQaModeration } from './qa.moderation.ts';
import { toListedQuestionDto, toQuestionDto } from './qa.presenter.ts';
import {
  clearBroadcastPending,
  countPending,
  findQuestionView,
  insertQuestion,
  listPendingBroadcasts,
  listQuestions,
  markAnswered,
  markDismissed,
} from './qa.repo.ts';
import type { QaAskInput, QaListQuery } from './qa.schemas.ts';
import { applyUpvoteToggles, type UpvoteOutcome, type UpvoteToggle } from './qa.upvotes.ts';

/** At most ~3 qa:updated per second per question, however fast the upvotes come. */
const UPVOTE_BROADCAST_MS = 300;

export type QaService = ReturnType<typeof createQaService>;

/** "Answering now" ends with the question: the room hears it cleared. */
const answeringEnded = (wasAnswering: boolean): EventDraft[] => (wasAnswering ? [{ event: 'qa:answering', payload: { qaId: null } }] : []);

/**
 * Q&A: members ask (anonymously when the session allows; into the mentors' review queue when it asks for review) and
 * upvote others' questions; course mentors and admins answer, dismiss and moderate (qa.moderation.ts). Upvotes are
 * batched into shared transactions and their broadcasts coalesced per question. Socket.IO and REST call these same
 * methods.
 */
export function createQaService(deps: ClassDeps) {
  const { db, audit, loadSession, limits } = deps;
  const core = createQaCore(deps);
  const { loadQuestion, changeQuestion } = core;
  const upvotes = createBatcher<UpvoteToggle, UpvoteOutcome>(db, applyUpvoteToggles, { observer: deps.observeBatches?.('upvotes') });
  const upvoteBroadcasts = createOwedBroadcasts(deps, {
    what: 'qa:updated broadcast',
    intervalMs: UPVOTE_BROADCAST_MS,
    listOwed: listPendingBroadcasts,
    send: async (trx, { id: qaId }) => {
      await clearBroadcastPending(trx, qaId);
      const view = await findQuestionView(trx, qaId);
      // Only an open question takes upvotes, and only what the whole room may see is broadcast.
      return view?.status === 'open' ? [{ event: 'qa:updated', payload: { question: toQuestionDto(view) } }] : [];
    },
  });

  return {
    /**
     * Persists a question. Without review it is broadcast as qa:question; with review (reviewQuestions) it waits as
     * `pending` and the room hears only qa:queue, the number waiting. An anonymous one is stored without its author.
     */
    async ask(actor: Actor, sessionId: string, input: Omit<QaAskInput, 'sessionId'>) {
      const { session, membership } = await loadSession(actor, sessionId, 'view', 'qa.ask');
      const checks = (s: LiveSessionRow | undefined) => {
        requireQaOpen(s);
        if (input.anonymous) requireSetting(s, 'anonymous_questions');
      };
      await audit.guard(actor, 'qa.ask', sessionTarget(session), () => checks(session));
      await limits.take(actor, 'question');
      // After the limit: a refused question counts, so the list cannot be probed quickly.
      await audit.guard(actor, 'qa.ask', sessionTarget(session), () =>
        requireNoBlockedWords(db, session.course_id, input.question, 'question'),
      );
      const { result, events } = await audit.guard(actor, 'qa.ask', sessionTarget(session), () =>
        recordChange(deps, session.id, async (trx) => {
          const locked = await lockSession(trx, session.id);
          checks(locked);
          // Read under the lock: a question asked as review is switched on waits, one asked before it does not.
          const review = locked?.review_questions === true;
          const row = await insertQuestion(trx, {
            session_id: session.id,
            user_id: input.anonymous ? null : actor.id,
            asked_by: actor.id,
            question: input.question,
            anonymous: input.anonymous,
            status: review ? 'pending' : 'open',
            answer: null,
            answered_by: null,
            answered_at: null,
            updated_at: new Date(),
          });
          const details = { anonymous: row.anonymous, ...(review && { pending: true }) };
          await insertAuditEntry(trx, auditEntry(actor, 'qa.ask', questionTarget(session, row.id), 'success', details));
          const dto = toQuestionDto({ ...row, author_name: actor.name, token_role: actor.role, roster_role: membership });
          const drafts: EventDraft[] = review
            ? [{ event: 'qa:queue', payload: { pending: await countPending(trx, session.id) } }]
            : [{ event: 'qa:question', payload: { question: dto } }];
          return { result: dto, events: drafts };
        }),
      );
      return { ...result, seq: seqOf(events) };
    },

    /** Toggles the caller's upvote on someone else's open question; acks after the commit that holds it. */
    async upvote(actor: Actor, qaId: string, sessionId?: string) {
      const { session, question } = await loadQuestion(actor, qaId, 'view', 'qa.upvote', sessionId, true);
      await audit.guard(actor, 'qa.upvote', sessionTarget(session), () => {
        requireQaOpen(session);
        if (question.asked_by === actor.id) throw new AppError('OWN_QUESTION', 'You cannot upvote your own question');
        if (question.status === 'pending') throw questionPending();
        if (question.status !== 'open') throw questionClosed(question.status);
      });
      await limits.take(actor, 'upvote');
      const outcome = await upvotes.submit({ actor, qaId: question.id, target: questionTarget(session, question.id) });
      if (outcome === 'closed') throw await audit.deny(actor, 'qa.upvote', sessionTarget(session), questionClosed('answered or dismissed'));
      upvoteBroadcasts.owe(session.id, question.id);
      return outcome;
    },

    /**
     * Marks a question answered, with a written answer or none ("answered live"); answering again replaces it. It is
     * no longer "answering now".
     */
    async answer(actor: Actor, qaId: string, answer: string | undefined, sessionId?: string) {
      const { session, question } = await loadQuestion(actor, qaId, 'manage', 'qa.answer', sessionId);
      const check = (status: string) => {
        if (status === 'pending') throw questionPending();
        if (status !== 'open' && status !== 'answered') throw questionClosed(status);
      };
      await audit.guard(actor, 'qa.answer', sessionTarget(session), () => {
        requireQaOpen(session);
        check(question.status);
      });
      return changeQuestion(
        actor,
        'qa.answer',
        session,
        question.id,
        async ({ trx, session: locked, before }) => {
          requireQaOpen(locked);
          check(before.status);
          if (!(await markAnswered(trx, question.id, answer ?? null, actor.id, new Date()))) throw questionClosed('dismissed');
        },
        async (dto, { trx, before, session: locked }) => {
          await enqueueWebhookEvent(trx, 'question.answered', { courseId: locked.course_id, sessionId: locked.id, question: dto });
          return [{ event: 'qa:updated', payload: { question: dto } }, ...answeringEnded(before.answering)];
        },
      );
    },

    /**
     * Dismisses an open or answered question: it leaves the students' lists and replays, and the room hears only
     * qa:removed (no text). Allowed in any class state and with Q&A off, so mentors can always clean up.
     */
    async dismiss(actor: Actor, qaId: string, sessionId?: string) {
      const { session, question } = await loadQuestion(actor, qaId, 'manage', 'qa.dismiss', sessionId);
      const check = (status: string) => {
        if (status === 'pending') throw questionPending();
        if (status !== 'open' && status !== 'answered') throw questionClosed(status);
      };
      await audit.guard(actor, 'qa.dismiss', sessionTarget(session), () => check(question.status));
      return changeQuestion(
        actor,
        'qa.dismiss',
        session,
        question.id,
        async ({ trx, before }) => {
          check(before.status);
          if (!(await markDismissed(trx, question.id, new Date()))) throw questionClosed('dismissed');
        },
        async (_dto, { before }) => [
          { event: 'qa:removed', payload: { qaId: question.id, reason: 'dismissed' } },
          ...answeringEnded(before.answering),
        ],
      );
    },

    ...createQaModeration(deps, core),

    /**
     * A session's questions by votes or by time, with whether the caller upvoted and asked each (members; any class
     * state). Managers see every question; anyone else open and answered ones and their own waiting for review.
     */
    async list(actor: Actor, sessionId: string, query: QaListQuery) {
      const { session, manages } = await loadSession(actor, sessionId, 'view', 'qa.read');
      const after = query.cursor ? decodeCursor(query.cursor, (v) => parseQaCursor(v, query.sort)) : undefined;
      const rows = await listQuestions(db, {
        sessionId: session.id,
        viewerId: actor.id,
        manages,
        sort: query.sort,
        status: query.status,
        after,
        limit: query.limit + 1,
      });
      return toPage(
        rows,
        query.limit,
        (row) => toListedQuestionDto(row, actor.id),
        (row) => qaCursorOf(row, query.sort),
      );
    },

    /** How a replay is shaped for a viewer: questions since dismissed or rejected leave a student's replay. */
    shapeReplay: core.shapeReplay,

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
