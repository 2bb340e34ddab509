import type { Transaction } from 'kysely';
import type { AuditAction } from '../audit/audit.actions.ts';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { createAccessCache } from '../classroom/access-cache.ts';
import { type ClassDeps, recordChange, seqOf } from '../classroom/class-deps.ts';
import { sessionTarget } from '../classroom/session-access.ts';
import { requireLive, requireSetting } from '../classroom/session-guards.ts';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { EventDraft } from '../events/events.repo.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { toQuestionDto } from './qa.presenter.ts';
import { findQuestion, findQuestionView, type QuestionRow } from './qa.repo.ts';
import type { Question } from './qa.schemas.ts';
import { createReplayShaper, mayViewQuestion } from './qa.visibility.ts';

/** Asking, upvoting, answering and approving happen in a live class with Q&A on. */
export function requireQaOpen(session: LiveSessionRow | undefined): asserts session is LiveSessionRow {
  if (!session) throw new AppError('SESSION_NOT_FOUND', 'The session was not found');
  requireLive(session);
  requireSetting(session, 'qa_enabled');
}

export const questionTarget = (session: LiveSessionRow, qaId: string) => ({
  type: 'question',
  id: qaId,
  courseId: session.course_id,
  sessionId: session.id,
});

/** One change of one question, inside its transaction: the session row (locked) and the question as it was. */
export interface QuestionChange {
  trx: Transaction<Database>;
  session: LiveSessionRow;
  before: QuestionRow;
}

/** What the Q&A service and its moderation share: finding a question the caller may see, and changing it. */
export function createQaCore(deps: ClassDeps) {
  const { db, audit, loadSession } = deps;
  // A question's session and asker never change, and an upvote on a question closed meanwhile is refused by the
  // upvote batch (openQuestionIds): upvotes read each question once per TTL, not once per click.
  const questions = createAccessCache<QuestionRow | undefined>((row) => row !== undefined);
  const findQuestionCached = (qaId: string) => questions.get(qaId, () => findQuestion(db, qaId));
  const replay = createReplayShaper(db);

  /**
   * The question and its session, with the caller's access to it checked first. A question the caller may not see
   * (another course's, someone else's waiting for review) is QUESTION_NOT_FOUND; `sessionId` (REST) scopes the lookup.
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
    if (!mayViewQuestion(question, actor.id, access.manages)) throw questionNotFound(qaId);
    return { ...access, question };
  }

  /**
   * Changes one question under the session lock, audits it, and records the events `eventsOf` names for its new
   * state; returns the question with the seq of the first event.
   */
  async function changeQuestion(
    actor: Actor,
    action: AuditAction,
    session: LiveSessionRow,
    qaId: string,
    change: (c: QuestionChange) => Promise<void>,
    eventsOf: (dto: Question, c: QuestionChange) => Promise<EventDraft[]>,
  ) {
    const { result, events } = await audit.guard(actor, action, sessionTarget(session), () =>
      recordChange(deps, session.id, async (trx) => {
        const locked = await lockSession(trx, session.id);
        const before = await findQuestion(trx, qaId);
        if (!locked || !before) throw questionNotFound(qaId);
        const c = { trx, session: locked, before };
        await change(c);
        await insertAuditEntry(trx, auditEntry(actor, action, questionTarget(session, qaId), 'success'));
        const view = await findQuestionView(trx, qaId);
        if (!view) throw questionNotFound(qaId);
        const dto = toQuestionDto(view);
        return { result: dto, events: await eventsOf(dto, c) };
      }),
    );
    questions.invalidate(qaId);
    if (result.status === 'dismissed' || result.status === 'rejected') replay.invalidate(session.id);
    return { ...result, seq: seqOf(events) };
  }

  return { loadQuestion, changeQuestion, shapeReplay: replay.prepare };
}

export type QaCore = ReturnType<typeof createQaCore>;

export function questionNotFound(qaId: string): AppError {
  return new AppError('QUESTION_NOT_FOUND', `Question ${qaId} was not found`);
}

export function questionClosed(status: string): AppError {
  return new AppError('QUESTION_CLOSED', `The question is ${status}; this works only while it is open`);
}

export function questionPending(): AppError {
  return new AppError('QUESTION_PENDING', 'The question is waiting for review: approve or reject it first');
}
