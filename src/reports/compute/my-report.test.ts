import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, makePoll, makeReportInput, span, student } from '../../test/make-report-input.ts';
import { myReport } from '../reports.schemas.ts';
import { myReportOf } from './my-report.ts';
import { computeSessionReport } from './session-report.ts';

const answer = (userId: string, choice: unknown) => ({ userId, choice, atMs: at(6).getTime() });

describe('myReportOf', () => {
  const report = computeSessionReport(
    makeReportInput({
      roster: [student('u1', 'Ana'), student('u2', 'Ben')],
      roomSegments: new Map([['u1', [span(0, 50)]]]),
      polls: [
        makePoll('closed-quiz', { correctOption: 1, responses: [answer('u1', 1), answer('u2', 0)] }),
        makePoll('open-quiz', { correctOption: 2, status: 'open', closedAt: null, responses: [answer('u1', 2)] }),
        makePoll('anonymous', { anonymous: true, responses: [answer('u1', 0)] }),
      ],
    }),
  );

  test('a student gets their own row and their own answers, matching the public schema', () => {
    const mine = myReportOf(report, 'u1')!;
    assert.doesNotThrow(() => myReport.parse(mine));
    assert.equal(mine.row.userId, 'u1');
    assert.equal(mine.row.status, 'present');
    assert.deepEqual(mine.polls[0]!.myAnswer, { userId: 'u1', name: 'Ana', choice: 1, correct: true, answeredAt: at(6).toISOString() });
  });

  test('nothing of another student leaks: no answers list, no response counts, only their own answer', () => {
    const mine = myReportOf(report, 'u2')!;
    assert.equal(mine.polls[0]!.myAnswer!.userId, 'u2');
    assert.ok(mine.polls.every((p) => !('answers' in p) && !('responses' in p) && !('responseRate' in p)));
    assert.equal(mine.polls[1]!.myAnswer, null);
  });

  test('an open quiz hides the correct option and whether the answer was right', () => {
    const open = myReportOf(report, 'u1')!.polls[1]!;
    assert.equal(open.correctOption, null);
    assert.equal(open.myAnswer!.correct, null);
  });

  test('an anonymous poll shows no answer, even to the one who gave it', () => {
    assert.equal(myReportOf(report, 'u1')!.polls[2]!.myAnswer, null);
  });

  test('someone without a row gets null', () => {
    assert.equal(myReportOf(report, 'stranger'), null);
  });
});
