import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileBlockedWords, findBlockedWord, normalizeBlockedWords } from './blocked-words.ts';

const blocked = (words: string[], text: string) => findBlockedWord(compileBlockedWords(words), text);

test('a blocked word is found whole, whatever its case, and reported as the writer typed it', () => {
  assert.equal(blocked(['darn'], 'Well, DARN it!'), 'DARN');
  assert.equal(blocked(['darn'], 'darn'), 'darn');
  assert.equal(blocked(['darn'], 'darned darnit undarn darn_it 2darn'), null, 'part of a longer word is not the word');
  assert.equal(blocked(['darn'], "it's darn's fault"), 'darn', 'an apostrophe ends a word');
  assert.equal(blocked([], 'darn'), null);
});

test('matching is Unicode-aware: other scripts, case folding, marks and full-width forms', () => {
  assert.equal(blocked(['ÉCOLE'], 'à l’école demain'), 'école');
  assert.equal(blocked(['дурак'], 'Ты ДУРАК.'), 'ДУРАК');
  assert.equal(blocked(['дурак'], 'дураки'), null);
  assert.equal(blocked(['ΣΟΦΙΑ'], 'η σοφια'), 'σοφια');
  // A combining accent continues the word: "cafe" + U+0301 is "café", not "cafe".
  assert.equal(blocked(['cafe'], 'un cafe\u0301 noir'), null);
  assert.equal(blocked(['café'], 'un cafe\u0301 noir'), 'café', 'NFKC composes the accent');
  assert.equal(blocked(['darn'], 'ｄａｒｎ'), 'darn', 'full-width letters are their plain forms');
  assert.equal(blocked(['日本'], '日本語'), null, 'CJK letters are word characters too');
});

test('phrases match across any white space, and regex characters are literal', () => {
  assert.equal(blocked(['shut  up'], 'please SHUT\n up now'), 'SHUT\n up');
  assert.equal(blocked(['a.b'], 'aXb'), null);
  assert.equal(blocked(['c++'], 'I love c++ so'), 'c++');
  assert.equal(blocked(['c++'], 'abc++'), null);
  assert.equal(blocked(['(x)'], 'a (x) b'), '(x)');
});

test('the saved list is normalized and deduplicated ignoring case', () => {
  assert.deepEqual(normalizeBlockedWords(['  Darn ', 'darn', 'shut   up', '', 'ＡＢＣ']), ['Darn', 'shut up', 'ABC']);
});
