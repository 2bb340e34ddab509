import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, makePoll, makeReportInput, student } from '../../test/make-report-input.ts';
import { computeSessionReport } from './session-report.ts';

const answer = (userId: string, choice: unknown, minute = 6) => ({ userId, choice, atMs: at(minute).getTime() });

/**
 * Four roster students and a mentor (m1, not on the roster):
 *   p1 quiz, correct 1:   u1 → 1 (right), u2 → 0 (wrong), m1 → 1        responses 3, roster 2/4 = 50 %
 *   p2 quiz, correct 2:   u1 → 2 (right)                                responses 1, roster 1/4 = 25 %
 *   p3 single, no quiz:   u3 → 0                                        responses 1, roster 1/4 = 25 %
 *   p4 anonymous:         u1, u2, u4                                    responses 3, roster 3/4 = 75 %, nobody named
 * Per student over the 3 named polls, 2 of them quizzes asked of everyone: u1 answered 2, quiz 2/2 = 100 %;
 * u2 answered 1, quiz 0/2 = 0 % (p2 skipped counts as not right); u3 answered 1 but no quiz (null: took no part);
 * u4 answered 0 (the anonymous answer is not theirs to count), quiz null.
 * Poll response rate: (2 + 1 + 1) / (3 named polls × 4 students) = 4/12 = 33.3 %. Quiz average: (100 + 0) / 2 = 50 %.
 */
function pollClass() {
  return makeReportInput({
    roster: [student('u1', 'Ana'), student('u2', 'Ben'), student('u3', 'Cat'), student('u4', 'Dan')],
    polls: [
      makePoll('p1', { correctOption: 1, responses: [answer('u2', 0), answer('m1', 1), answer('u1', 1, 7)] }),
      makePoll('p2', { correctOption: 2, responses: [answer('u1', 2)] }),
      makePoll('p3', { responses: [answer('u3', 0)] }),
      makePoll('p4', { anonymous: true, responses: [answer('u1', 0), answer('u2', 1), answer('u4', 2)] }),
    ],
  });
}

describe('polls in the session report', () => {
  const report = computeSessionReport(pollClass());
  const poll = (id: string) => report.polls.find((p) => p.pollId === id)!;

  test('responses count every answer; the response rate only roster students over the roster', () => {
    assert.deepEqual(
      report.polls.map((p) => [p.pollId, p.responses, p.responseRate, p.quiz]),
      [
        ['p1', 3, 50, true],
        ['p2', 1, 25, true],
        ['p3', 1, 25, false],
        ['p4', 3, 75, false],
      ],
    );
  });

  test('per-student answers list roster students in roster order, with correct for quizzes and null otherwise', () => {
    assert.deepEqual(
      poll('p1').answers!.map((a) => [a.userId, a.name, a.choice, a.correct, a.answeredAt]),
      [
        ['u1', 'Ana', 1, true, at(7).toISOString()],
        ['u2', 'Ben', 0, false, at(6).toISOString()],
      ],
    );
    assert.equal(poll('p3').answers![0]!.correct, null);
  });

  test('an anonymous poll names nobody', () => {
    assert.equal(poll('p4').answers, null);
  });

  test('per-student poll and quiz counts leave the anonymous poll out', () => {
    assert.deepEqual(
      report.students.map((s) => [s.userId, s.pollsAnswered, s.pollsOffered, s.quizCorrect, s.quizAsked, s.quizScore]),
      [
        ['u1', 2, 3, 2, 2, 100],
        ['u2', 1, 3, 0, 2, 0],
        ['u3', 1, 3, 0, 2, null],
        ['u4', 0, 3, 0, 2, null],
      ],
    );
  });

  test('summary: poll response rate 4/12 = 33.3 %, quiz average (100 + 0) / 2 = 50 %', () => {
    assert.equal(report.summary.pollResponseRate, 33.3);
    assert.equal(report.summary.quizAverage, 50);
  });

  test('a quiz average is the mean of exact scores: 1/3 and 3/3 give (33.33… + 100) / 2 = 66.7', () => {
    const input = makeReportInput({
      roster: [student('u1'), student('u2')],
      polls: [
        makePoll('q1', { correctOption: 0, responses: [answer('u1', 0), answer('u2', 0)] }),
        makePoll('q2', { correctOption: 0, responses: [answer('u1', 1), answer('u2', 0)] }),
        makePoll('q3', { correctOption: 0, responses: [answer('u1', 2), answer('u2', 0)] }),
      ],
    });
    const report = computeSessionReport(input);
    assert.deepEqual(
      report.students.map((s) => s.quizScore),
      [33.3, 100],
    );
    assert.equal(report.summary.quizAverage, 66.7);
  });

  test('a quiz is asked of every roster student: one right of three asked is 33.3 %, not 100 % of the one answered', () => {
    const input = makeReportInput({
      roster: [student('u1'), student('u2'), student('u3')],
      polls: [
        makePoll('q1', { correctOption: 0, responses: [answer('u1', 0), answer('u2', 1)] }),
        makePoll('q2', { correctOption: 0, responses: [answer('u2', 0)] }),
        makePoll('q3', { correctOption: 0, status: 'open', closedAt: null, responses: [] }),
        makePoll('anon-quiz', { correctOption: 0, anonymous: true, responses: [answer('u1', 0)] }),
      ],
    });
    const report = computeSessionReport(input);
    assert.deepEqual(
      report.students.map((s) => [s.userId, s.quizCorrect, s.quizAsked, s.quizScore]),
      [
        ['u1', 1, 3, 33.3],
        ['u2', 1, 3, 33.3],
        ['u3', 0, 3, null],
      ],
    );
    // The average is over the two who took part (u3 answered no quiz): (33.3 + 33.3) / 2.
    assert.equal(report.summary.quizAverage, 33.3);
  });

  test('only anonymous polls: nothing offered per student, so the poll response rate is null', () => {
    const input = makeReportInput({ roster: [student('u1')], polls: [makePoll('p', { anonymous: true, responses: [answer('u1', 0)] })] });
    const report = computeSessionReport(input);
    assert.equal(report.summary.pollResponseRate, null);
    assert.equal(report.students[0]!.pollsOffered, 0);
  });
});

/**
 * Quiz points as the leaderboard counts them (quiz-points.ts): a right answer earns 1000 × (1 − t / 2T), t the time
 * after opening, T the timer; 1000 untimed; 0 wrong. Opened at minute 5:
 *   t1 timed 60 s, correct 0: u1 right at +15 s → 1000 × (1 − 15/120) = 875; u2 wrong → 0
 *   t2 untimed, correct 1:    u1 right → 1000; u2 right → 1000
 *   t3 timed, still open:     u1 right → not counted until it closes (it would tell who is right)
 * u1: 875 + 1000 = 1875; u2: 1000; u3 answered nothing: 0.
 */
describe('quiz points in the session report', () => {
  const opened = at(5);
  const after = (seconds: number) => opened.getTime() + seconds * 1000;
  const report = computeSessionReport(
    makeReportInput({
      roster: [student('u1', 'Ana'), student('u2', 'Ben'), student('u3', 'Cat')],
      polls: [
        makePoll('t1', {
          correctOption: 0,
          durationSeconds: 60,
          openedAt: opened,
          responses: [
            { userId: 'u1', choice: 0, atMs: after(15) },
            { userId: 'u2', choice: 1, atMs: after(5) },
          ],
        }),
        makePoll('t2', {
          correctOption: 1,
          openedAt: opened,
          responses: [
            { userId: 'u1', choice: 1, atMs: after(30) },
            { userId: 'u2', choice: 1, atMs: after(40) },
          ],
        }),
        makePoll('t3', {
          correctOption: 2,
          durationSeconds: 30,
          openedAt: opened,
          status: 'open',
          closedAt: null,
          responses: [{ userId: 'u1', choice: 2, atMs: after(1) }],
        }),
      ],
    }),
  );

  test('each student has the points of their closed quizzes; an open one adds nothing yet', () => {
    assert.deepEqual(
      report.students.map((s) => [s.userId, s.quizPoints]),
      [
        ['u1', 1875],
        ['u2', 1000],
        ['u3', 0],
      ],
    );
  });
});
