import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { type ClassDeps, recordChange, seqOf } from '../classroom/class-deps.ts';
import type { ClassEndHook } from '../classroom/feature.ts';
import { sessionTarget } from '../classroom/session-access.ts';
import { AppError } from '../errors.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { type QaCore, questionClosed, questionNotFound, questionPending, questionTarget, requireQaOpen } from './qa.core.ts';
import { countPending, findAnswering, findQuestion, markReviewed, setAnswering } from './qa.repo.ts';

function notPending(status: string): AppError {
  return new AppError('QUESTION_NOT_PENDING', `The question is ${status}; only a question waiting for review can be approved or rejected`);
}

/**
 * The mentors' side of Q&A beyond answering: the review queue (approve, reject) and "answering now". Each action is
 * for course mentors and admins, audited, and recorded with its events.
 */
export function createQaModeration(deps: ClassDeps, core: QaCore) {
  const { audit, loadSession } = deps;
  const { loadQuestion, changeQuestion } = core;

  return {
    /** Shows a question waiting for review to everyone (qa:question), as if just asked; the queue shrinks (qa:queue). */
    async approve(actor: Actor, qaId: string, sessionId?: string) {
      const { session, question } = await loadQuestion(actor, qaId, 'manage', 'qa.approve', sessionId);
      await audit.guard(actor, 'qa.approve', sessionTarget(session), () => {
        requireQaOpen(session);
        if (question.status !== 'pending') throw notPending(question.status);
      });
      return changeQuestion(
        actor,
        'qa.approve',
        session,
        question.id,
        async ({ trx, session: locked, before }) => {
          requireQaOpen(locked);
          if (!(await markReviewed(trx, question.id, 'open', new Date()))) throw notPending(before.status);
        },
        async (dto, { trx }) => [
          { event: 'qa:question', payload: { question: dto } },
          { event: 'qa:queue', payload: { pending: await countPending(trx, session.id) } },
        ],
      );
    },

    /**
     * Refuses a question waiting for review: nobody but managers and its asker ever saw it; the room hears qa:removed
     * (its asker's client tells them) and qa:queue. Allowed in any class state, so a queue can always be cleared.
     */
    async reject(actor: Actor, qaId: string, sessionId?: string) {
      const { session, question } = await loadQuestion(actor, qaId, 'manage', 'qa.reject', sessionId);
      await audit.guard(actor, 'qa.reject', sessionTarget(session), () => {
        if (question.status !== 'pending') throw notPending(question.status);
      });
      return changeQuestion(
        actor,
        'qa.reject',
        session,
        question.id,
        async ({ trx, before }) => {
          if (!(await markReviewed(trx, question.id, 'rejected', new Date()))) throw notPending(before.status);
        },
        async (_dto, { trx }) => [
          { event: 'qa:removed', payload: { qaId: question.id, reason: 'rejected' } },
          { event: 'qa:queue', payload: { pending: await countPending(trx, session.id) } },
        ],
      );
    },

    /**
     * "Answering now": highlights one open question for everyone (qa:answering), replacing any other; null clears it.
     * Highlighting needs a live class with Q&A on; clearing works always.
     */
    async highlight(actor: Actor, sessionId: string, qaId: string | null) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'qa.highlight');
      const target = qaId ? questionTarget(session, qaId) : sessionTarget(session);
      const check = async (db: Parameters<typeof findQuestion>[0]) => {
        if (!qaId) return;
        const question = await findQuestion(db, qaId);
        if (question?.session_id !== session.id) throw questionNotFound(qaId);
        if (question.status === 'pending') throw questionPending();
        if (question.status !== 'open') throw questionClosed(question.status);
      };
      const { events } = await audit.guard(actor, 'qa.highlight', target, async () => {
        if (qaId) requireQaOpen(session);
        await check(deps.db);
        return recordChange(deps, session.id, async (trx) => {
          const locked = await lockSession(trx, session.id);
          if (qaId) requireQaOpen(locked);
          await check(trx);
          await setAnswering(trx, session.id, qaId);
          await insertAuditEntry(trx, auditEntry(actor, 'qa.highlight', target, 'success', { qaId }));
          return { result: null, events: [{ event: 'qa:answering', payload: { qaId } }] };
        });
      });
      return { qaId, seq: seqOf(events) };
    },
  };
}

/** When the class ends, nothing is being answered any more. */
export const clearAnsweringAtClassEnd: ClassEndHook = async (trx, sessionId) => {
  if (!(await findAnswering(trx, sessionId))) return {};
  await setAnswering(trx, sessionId, null);
  return { events: [{ event: 'qa:answering', payload: { qaId: null } }] };
};
