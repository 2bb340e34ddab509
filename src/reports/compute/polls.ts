import { isCorrect } from '../../polls/polls.results.ts';
import type { ReportPollInput, RosterStudent } from '../report-input.ts';
import type { SessionReport } from '../reports.schemas.ts';
import { percentOrNull } from './numbers.ts';

type ReportPoll = SessionReport['polls'][number];

/** One student's part in the class's polls; anonymous polls never enter it. */
export interface StudentPollStats {
  answered: number;
  /** Non-anonymous quiz polls this student answered. */
  quizAsked: number;
  quizCorrect: number;
}

const isQuiz = (poll: ReportPollInput) => poll.correctOption !== null;

/** The polls that may be attributed to a person: offered to every student, and counted per student. */
export const namedPolls = (polls: readonly ReportPollInput[]) => polls.filter((p) => !p.anonymous);

/**
 * Per-student poll counts over the non-anonymous polls. A quiz counts as asked of a student when they answered it:
 * the score measures what they knew, and `pollsAnswered` of `pollsOffered` already shows who skipped (an absent
 * student's score is null, not 0). This matches the polls' own score listing (GET …/polls/scores).
 */
export function pollStatsByStudent(polls: readonly ReportPollInput[]): Map<string, StudentPollStats> {
  const stats = new Map<string, StudentPollStats>();
  for (const poll of namedPolls(polls)) {
    for (const r of poll.responses) {
      let s = stats.get(r.userId);
      if (!s) {
        s = { answered: 0, quizAsked: 0, quizCorrect: 0 };
        stats.set(r.userId, s);
      }
      s.answered += 1;
      if (isQuiz(poll)) {
        s.quizAsked += 1;
        if (isCorrect(poll.correctOption, r.choice)) s.quizCorrect += 1;
      }
    }
  }
  return stats;
}

/**
 * Each poll as the report shows it. `responses` counts every answer (anonymous ones and any from outside the
 * roster); `responseRate` only roster students' answers over the roster. Per-student answers are listed only for a
 * poll that is not anonymous, only for roster students, in roster order.
 */
export function reportPolls(polls: readonly ReportPollInput[], roster: readonly RosterStudent[]): ReportPoll[] {
  const order = new Map(roster.map((s, i) => [s.userId, i]));
  return polls.map((poll) => {
    const rosterResponses = poll.responses.filter((r) => order.has(r.userId));
    const answers = poll.anonymous
      ? null
      : rosterResponses
          .map((r) => ({
            userId: r.userId,
            name: roster[order.get(r.userId) ?? 0]?.name ?? '',
            choice: r.choice,
            correct: isQuiz(poll) ? isCorrect(poll.correctOption, r.choice) : null,
            answeredAt: r.at.toISOString(),
          }))
          .sort((a, b) => (order.get(a.userId) ?? 0) - (order.get(b.userId) ?? 0));
    return {
      pollId: poll.pollId,
      question: poll.question,
      type: poll.type,
      options: poll.options,
      anonymous: poll.anonymous,
      quiz: isQuiz(poll),
      correctOption: poll.correctOption,
      status: poll.status,
      createdAt: poll.createdAt.toISOString(),
      closedAt: poll.closedAt?.toISOString() ?? null,
      responses: poll.responses.length,
      responseRate: percentOrNull(new Set(rosterResponses.map((r) => r.userId)).size, roster.length),
      results: poll.results,
      answers,
    };
  });
}

/** Answers from roster students over (non-anonymous polls × roster students); null when either is zero. */
export function pollResponseRate(polls: readonly ReportPollInput[], roster: readonly RosterStudent[]): number | null {
  const onRoster = new Set(roster.map((s) => s.userId));
  const named = namedPolls(polls);
  let answers = 0;
  for (const poll of named) answers += new Set(poll.responses.filter((r) => onRoster.has(r.userId)).map((r) => r.userId)).size;
  return percentOrNull(answers, named.length * roster.length);
}
