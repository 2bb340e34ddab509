import { rowAuthor } from '../chat/chat.presenter.ts';
import type { QuestionView } from './qa.repo.ts';
import type { Question } from './qa.schemas.ts';

/**
 * Shapes a question the same for everyone (one encode per broadcast). An anonymous question has no `author` key at
 * all, for mentors too; its row has no author to give.
 */
export function toQuestionDto(v: QuestionView): Question {
  return {
    id: v.id,
    question: v.question,
    anonymous: v.anonymous,
    ...(!v.anonymous && v.user_id !== null && { author: rowAuthor(v.user_id, v) }),
    upvotes: Number(v.upvotes),
    status: v.status,
    ...(v.answer !== null && { answer: v.answer }),
    createdAt: v.created_at.toISOString(),
  };
}

export function toListedQuestionDto(v: QuestionView & { upvoted_by_me: boolean }): Question & { upvotedByMe: boolean } {
  return { ...toQuestionDto(v), upvotedByMe: Boolean(v.upvoted_by_me) };
}
