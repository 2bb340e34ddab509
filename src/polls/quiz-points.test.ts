import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { quizPoints } from './quiz-points.ts';
import { rank } from './quiz-standings.ts';

const opened = new Date('2026-01-01T10:00:00Z');
const timed = { correct_option: 1, duration_seconds: 20, opened_at: opened };
const after = (seconds: number) => new Date(opened.getTime() + seconds * 1000);

describe('quiz points', () => {
  test('a right answer earns 1000 at once, less the longer it took, 500 at the bell', () => {
    assert.deepEqual(quizPoints(timed, 1, after(0)), { correct: true, points: 1000 });
    assert.deepEqual(quizPoints(timed, 1, after(5)), { correct: true, points: 875 });
    assert.deepEqual(quizPoints(timed, 1, after(20)), { correct: true, points: 500 });
    assert.deepEqual(quizPoints(timed, 1, after(30)), { correct: true, points: 500 }, 'never below half');
  });

  test('a wrong answer earns nothing; an untimed quiz pays 1000 for a right one whenever given', () => {
    assert.deepEqual(quizPoints(timed, 0, after(1)), { correct: false, points: 0 });
    const untimed = { ...timed, duration_seconds: null };
    assert.deepEqual(quizPoints(untimed, 1, after(600)), { correct: true, points: 1000 });
  });
});

describe('leaderboard ranks', () => {
  test('most points first; equal points share a rank; only the given students are ranked', () => {
    const standings = new Map([
      ['a', { answered: 2, correct: 1, points: 900 }],
      ['b', { answered: 2, correct: 2, points: 1500 }],
      ['c', { answered: 2, correct: 1, points: 900 }],
      ['d', { answered: 1, correct: 0, points: 0 }],
      ['mentor', { answered: 2, correct: 2, points: 2000 }],
    ]);
    const ranked = rank(standings, new Set(['a', 'b', 'c', 'd']));
    assert.deepEqual(
      ranked.map((r) => [r.userId, r.rank]),
      [
        ['b', 1],
        ['a', 2],
        ['c', 2],
        ['d', 4],
      ],
    );
  });
});
