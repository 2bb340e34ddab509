import { isCorrect } from '../../polls/polls.results.ts';
import { quizPoints } from '../../polls/quiz-points.ts';
import type { ReportPollInput, RosterStudent } from '../report-input.ts';
import type { SessionReport } from '../reports.schemas.ts';
import { isoOrNull, isoUtc, percentOrNull } from './numbers.ts';

type ReportPoll = SessionReport['polls'][number];
type PollAnswer = NonNullable<ReportPoll['answers']>[number];

/** One student's part in the class's polls; anonymous polls never enter it. */
export interface StudentPollStats {
  answered: number;
  /** Non-anonymous quiz polls this student answered (a score is shown only when at least one). */
  quizAnswered: number;
  quizCorrect: number;
  /**
   * Points over the closed quizzes, by the polls' own formula (quiz-points.ts) as the leaderboard counts them; an open
   * quiz's would tell who is right before it closes.
   */
  quizPoints: number;
}

const isQuiz = (poll: ReportPollInput) => poll.correctOption !== null;

/** The polls that may be attributed to a person: offered to every student, and counted per student. */
export const namedPolls = (polls: readonly ReportPollInput[]) => polls.filter((p) => !p.anonymous);

/** The quizzes asked of every roster student (the non-anonymous quiz polls, open or closed), as pollsOffered counts polls. */
export const quizzesAsked = (polls: readonly ReportPollInput[]) => namedPolls(polls).filter(isQuiz).length;

/**
 * Per-student poll counts over the non-anonymous polls. Every quiz is asked of every student (quizAsked, from
 * quizzesAsked), so a skipped quiz counts as not right; a student who answered none took no part and gets no score
 * (null, not 0). GET …/polls/scores lists the same figures: `quizPolls` is quizAsked, `correct` is quizCorrect.
 */
export function pollStatsByStudent(polls: readonly ReportPollInput[]): Map<string, StudentPollStats> {
  const stats = new Map<string, StudentPollStats>();
  for (const poll of namedPolls(polls)) {
    for (const r of poll.responses) {
      let s = stats.get(r.userId);
      if (!s) {
        s = { answered: 0, quizAnswered: 0, quizCorrect: 0, quizPoints: 0 };
        stats.set(r.userId, s);
      }
      s.answered += 1;
      if (isQuiz(poll)) {
        s.quizAnswered += 1;
        if (isCorrect(poll.correctOption, r.choice)) s.quizCorrect += 1;
        if (poll.status === 'closed') s.quizPoints += pointsOf(poll, r);
      }
    }
  }
  return stats;
}

const pointsOf = (poll: ReportPollInput, r: ReportPollInput['responses'][number]) =>
  quizPoints(
    { correct_option: poll.correctOption, duration_seconds: poll.durationSeconds, opened_at: poll.openedAt },
    r.choice,
    new Date(r.atMs),
  ).points;

/**
 * Each poll as the report shows it. `responses` counts every answer (anonymous ones and any from outside the
 * roster); `responseRate` only roster students' answers over the roster. Per-student answers are listed only for a
 * poll that is not anonymous, only for roster students, in roster order.
 */
export function reportPolls(polls: readonly ReportPollInput[], roster: readonly RosterStudent[]): ReportPoll[] {
  const order = new Map(roster.map((s, i) => [s.userId, i]));
  return polls.map((poll) => {
    // Placed by roster position rather than sorted: linear in the roster, and one answer per student.
    const byStudent = new Array<ReportPollInput['responses'][number] | undefined>(roster.length);
    for (const r of poll.responses) {
      const i = order.get(r.userId);
      if (i !== undefined) byStudent[i] = r;
    }
    const answers: PollAnswer[] = [];
    let fromRoster = 0;
    byStudent.forEach((r, i) => {
      if (!r) return;
      fromRoster += 1;
      if (poll.anonymous) return;
      answers.push({
        userId: r.userId,
        name: roster[i]?.name ?? '',
        choice: r.choice,
        correct: isQuiz(poll) ? isCorrect(poll.correctOption, r.choice) : null,
        answeredAt: isoUtc(r.atMs),
      });
    });
    return {
      pollId: poll.pollId,
      question: poll.question,
      type: poll.type,
      options: poll.options,
      anonymous: poll.anonymous,
      quiz: isQuiz(poll),
      correctOption: poll.correctOption,
      status: poll.status,
      createdAt: isoUtc(poll.createdAt.getTime()),
      closedAt: isoOrNull(poll.closedAt),
      responses: poll.responses.length,
      responseRate: percentOrNull(fromRoster, roster.length),
      results: poll.results,
      answers: poll.anonymous ? null : answers,
    };
  });
}

/** Answers from roster students over (non-anonymous polls × roster students); null when either is zero. */
export function pollResponseRate(polls: readonly ReportPollInput[], roster: readonly RosterStudent[]): number | null {
  const onRoster = new Set(roster.map((s) => s.userId));
  const named = namedPolls(polls);
  let answers = 0;
  for (const poll of named) {
    const answered = new Set<string>();
    for (const r of poll.responses) if (onRoster.has(r.userId)) answered.add(r.userId);
    answers += answered.size;
  }
  return percentOrNull(answers, named.length * roster.length);
}
