import { rowAuthor } from '../chat/chat.presenter.ts';
import type { QuestionView } from './qa.repo.ts';
import type { ListedQuestion, Question } from './qa.schemas.ts';

/**
 * Shapes a question the same for everyone (one encode per broadcast). An anonymous question has no `author` key at
 * all, for mentors too; its row has no author to give, and `asked_by` is never part of a shared view.
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

/**
 * A question as one viewer lists it (REST): whether they upvoted it, whether they asked it (anonymous questions too:
 * only the asker is told), and whether it is being answered now.
 */
export function toListedQuestionDto(v: QuestionView & { upvoted_by_me: boolean }, viewerId: string): ListedQuestion {
  return { ...toQuestionDto(v), upvotedByMe: Boolean(v.upvoted_by_me), askedByMe: v.asked_by === viewerId, answeringNow: v.answering };
}
