/** What a right answer earns at most: at once, or in an untimed quiz. */
export const QUIZ_POINTS_MAX = 1000;

export interface ScoredPoll {
  correct_option: number | null;
  duration_seconds: number | null;
  opened_at: Date | null;
}

/**
 * A quiz answer's points, Kahoot's way: a wrong answer earns 0; a right one 1000 × (1 − t / 2T), rounded, where t is
 * how long after the poll opened the answer was last changed and T the timer (so 1000 at once, 500 at the bell); a
 * right answer to an untimed quiz earns 1000. Changing an answer restarts its clock: what counts is the final one.
 */
export function quizPoints(poll: ScoredPoll, choice: unknown, answeredAt: Date): { correct: boolean; points: number } {
  const correct = poll.correct_option !== null && choice === poll.correct_option;
  if (!correct) return { correct, points: 0 };
  if (!poll.duration_seconds || !poll.opened_at) return { correct, points: QUIZ_POINTS_MAX };
  const limit = poll.duration_seconds * 1000;
  const t = Math.min(limit, Math.max(0, answeredAt.getTime() - poll.opened_at.getTime()));
  return { correct, points: Math.round(QUIZ_POINTS_MAX * (1 - t / (2 * limit))) };
}
