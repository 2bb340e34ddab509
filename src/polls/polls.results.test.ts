import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../errors.ts';
import { BROADCAST_TEXT_ANSWERS, forBroadcast, normalizeChoice, tallyResults } from './polls.results.ts';

const single = { type: 'single' as const, options: ['a', 'b', 'c'] };
const multiple = { type: 'multiple' as const, options: ['a', 'b', 'c'] };
const rating = { type: 'rating' as const, options: [] };
const textPoll = { type: 'text' as const, options: [] };
const wordcloud = { type: 'wordcloud' as const, options: [] };

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AppError);
    assert.equal(err.code, 'VALIDATION_FAILED');
    assert.equal(err.details?.[0]?.field, 'choice');
    return true;
  }
  return false;
};

describe('poll tallies', () => {
  test('single choice counts voters per option', () => {
    assert.deepEqual(
      tallyResults(single, [
        { choice: 0, votes: 2 },
        { choice: 2, votes: 1 },
      ]),
      { total: 3, counts: [2, 0, 1] },
    );
  });

  test('multiple choice counts each voter once in the total and once per picked option', () => {
    const r = tallyResults(multiple, [
      { choice: [0, 2], votes: 2 },
      { choice: [1], votes: 1 },
    ]);
    assert.deepEqual(r, { total: 3, counts: [2, 1, 2] });
  });

  test('rating counts 1–5 and averages to two decimals; no votes means a null average', () => {
    assert.deepEqual(
      tallyResults(rating, [
        { choice: 5, votes: 2 },
        { choice: 4, votes: 1 },
      ]),
      { total: 3, counts: [0, 0, 0, 1, 2], average: 4.67 },
    );
    assert.deepEqual(tallyResults(rating, []), { total: 0, counts: [0, 0, 0, 0, 0], average: null });
  });

  test('text lists every answer without names', () => {
    assert.deepEqual(
      tallyResults(textPoll, [
        { choice: 'yes', votes: 2 },
        { choice: 'no', votes: 1 },
      ]),
      {
        total: 3,
        answers: ['yes', 'yes', 'no'],
        groups: [
          { text: 'yes', count: 2 },
          { text: 'no', count: 1 },
        ],
      },
    );
  });

  test('text groups answers that differ only in case and spacing, as first written, most given first', () => {
    const results = tallyResults(textPoll, [
      { choice: 'Big O', votes: 1 },
      { choice: 'recursion', votes: 1 },
      { choice: 'big  o', votes: 2 },
      { choice: ' BIG O ', votes: 1 },
    ]);
    assert.ok('groups' in results);
    assert.deepEqual(results.groups, [
      { text: 'Big O', count: 4 },
      { text: 'recursion', count: 1 },
    ]);
  });

  test('a word cloud counts each word once per person who gave it, folded', () => {
    const results = tallyResults(wordcloud, [
      { choice: ['Graphs', 'trees'], votes: 2 },
      { choice: ['graphs'], votes: 1 },
      { choice: ['Heaps', 'TREES', 'dp'], votes: 1 },
    ]);
    assert.deepEqual(results, {
      total: 4,
      words: [
        { text: 'Graphs', count: 3 },
        { text: 'trees', count: 3 },
        { text: 'Heaps', count: 1 },
        { text: 'dp', count: 1 },
      ],
    });
    assert.deepEqual(tallyResults(wordcloud, []), { total: 0, words: [] });
  });
});

describe('vote validation by poll type', () => {
  test('single takes one option index in range', () => {
    assert.equal(normalizeChoice(single, 2), 2);
    for (const bad of [3, -1, [0], 'a'])
      assert.ok(
        refusal(() => normalizeChoice(single, bad as never)),
        String(bad),
      );
  });

  test('multiple takes a non-empty array of distinct indexes, stored sorted', () => {
    assert.deepEqual(normalizeChoice(multiple, [2, 0]), [0, 2]);
    for (const bad of [[], [0, 0], [3], 1, 'a'])
      assert.ok(
        refusal(() => normalizeChoice(multiple, bad as never)),
        JSON.stringify(bad),
      );
  });

  test('rating takes an integer from 1 to 5', () => {
    assert.equal(normalizeChoice(rating, 1), 1);
    for (const bad of [0, 6, [3], '3'])
      assert.ok(
        refusal(() => normalizeChoice(rating, bad as never)),
        String(bad),
      );
  });

  test('text takes 1–280 characters, trimmed', () => {
    assert.equal(normalizeChoice(textPoll, '  fine  '), 'fine');
    for (const bad of ['   ', 'x'.repeat(281), 3, [1], 'a\u0000b'])
      assert.ok(
        refusal(() => normalizeChoice(textPoll, bad as never)),
        String(bad),
      );
  });

  test('a word cloud takes 1–3 distinct short words, trimmed, never an empty one', () => {
    assert.deepEqual(normalizeChoice(wordcloud, ['  graphs ', 'big   O']), ['graphs', 'big O']);
    assert.deepEqual(normalizeChoice(wordcloud, ['x'.repeat(25)]), ['x'.repeat(25)]);
    const bad = [[], ['a', 'b', 'c', 'd'], ['  '], [''], ['x'.repeat(26)], ['Trees', 'trees '], 'graphs', [1], 3, ['a\u0000']];
    for (const choice of bad)
      assert.ok(
        refusal(() => normalizeChoice(wordcloud, choice as never)),
        JSON.stringify(choice),
      );
  });

  test('events carry the latest text answers only, with the full total', () => {
    const answers = Array.from({ length: 250 }, (_, i) => ({ choice: `answer ${i}`, votes: 1 }));
    const full = tallyResults(textPoll, answers);
    const sent = forBroadcast(full);
    assert.ok('answers' in sent && 'answers' in full);
    assert.equal(sent.total, 250);
    assert.equal(sent.answers.length, BROADCAST_TEXT_ANSWERS);
    assert.deepEqual(sent.answers, full.answers.slice(-BROADCAST_TEXT_ANSWERS));
    const small = tallyResults(single, [{ choice: 0, votes: 2 }]);
    assert.equal(forBroadcast(small), small);
  });
});
