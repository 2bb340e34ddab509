import { AppError } from '../errors.ts';
import { text } from '../http/common.schemas.ts';
import { type Choice, type PollResults, type PollType, RATING_MAX, TEXT_ANSWER_MAX, WORD_MAX_LENGTH, WORDS_MAX } from './polls.schemas.ts';

/** One distinct answer and how many people gave it (what GROUP BY choice returns). */
export interface ChoiceCount {
  choice: unknown;
  votes: number;
}

interface PollShape {
  type: PollType;
  options: string[];
}

/**
 * Tallies a poll's answers. Each person counts once (one response row per voter), so `total` is the number of voters;
 * a multiple-choice voter adds one to every option they picked. Text answers come without names.
 */
export function tallyResults(poll: PollShape, answers: ChoiceCount[]): PollResults {
  const total = answers.reduce((sum, a) => sum + a.votes, 0);
  if (poll.type === 'text') {
    const all = answers.flatMap((a) => Array<string>(a.votes).fill(String(a.choice)));
    return { total, answers: all, groups: groupAnswers(answers.map((a) => [String(a.choice), a.votes])) };
  }
  if (poll.type === 'wordcloud') {
    const words = answers.flatMap((a) => (Array.isArray(a.choice) ? a.choice.map((w): [string, number] => [String(w), a.votes]) : []));
    return { total, words: groupAnswers(words).slice(0, RESULT_GROUPS_MAX) };
  }
  const slots = poll.type === 'rating' ? RATING_MAX : poll.options.length;
  const counts = Array<number>(slots).fill(0);
  const bump = (index: unknown, votes: number) => {
    if (Number.isInteger(index) && (index as number) >= 0 && (index as number) < slots)
      counts[index as number] = (counts[index as number] ?? 0) + votes;
  };
  for (const a of answers) {
    if (poll.type === 'rating') bump((a.choice as number) - 1, a.votes);
    else if (Array.isArray(a.choice)) for (const i of a.choice) bump(i, a.votes);
    else bump(a.choice, a.votes);
  }
  if (poll.type !== 'rating') return { total, counts };
  const sum = counts.reduce((s, n, i) => s + n * (i + 1), 0);
  return { total, counts, average: total > 0 ? Math.round((sum / total) * 100) / 100 : null };
}

/** Folds what differs only in case and spacing: "Big  O" and "big o" are one answer. */
export const foldAnswer = (answer: string): string => answer.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');

/**
 * Groups answers by their folded form, each shown as first written (answers arrive oldest first), most given first;
 * equal counts keep that order.
 */
export function groupAnswers(answers: [text: string, votes: number][]): { text: string; count: number }[] {
  const groups = new Map<string, { text: string; count: number }>();
  for (const [text, votes] of answers) {
    const key = foldAnswer(text);
    const group = groups.get(key);
    if (group) group.count += votes;
    else groups.set(key, { text: text.trim().replace(/\s+/g, ' '), count: votes });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

/** The empty tally a poll starts with. */
export const emptyResults = (poll: PollShape): PollResults => tallyResults(poll, []);

const textAnswer = text(1, TEXT_ANSWER_MAX);

/**
 * Holds a vote to its poll's type and returns it as stored: an option index (single), distinct indexes sorted
 * (multiple), 1–5 (rating), trimmed text (text). Anything else is VALIDATION_FAILED naming `choice`.
 */
export function normalizeChoice(poll: PollShape, choice: Choice): Choice {
  const isIndex = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < poll.options.length;
  const range = `0–${poll.options.length - 1}`;
  switch (poll.type) {
    case 'single':
      if (isIndex(choice)) return choice;
      throw invalidChoice(`must be one option index, ${range}`);
    case 'multiple': {
      if (!Array.isArray(choice) || choice.length === 0 || !choice.every(isIndex)) {
        throw invalidChoice(`must be a non-empty array of option indexes, ${range}`);
      }
      if (new Set(choice).size !== choice.length) throw invalidChoice('must not repeat an option');
      return [...choice].sort((a, b) => a - b);
    }
    case 'rating':
      if (Number.isInteger(choice) && (choice as number) >= 1 && (choice as number) <= RATING_MAX) return choice;
      throw invalidChoice(`must be an integer rating from 1 to ${RATING_MAX}`);
    case 'text': {
      const parsed = textAnswer.safeParse(choice);
      if (parsed.success) return parsed.data;
      throw invalidChoice(`must be a text answer of 1–${TEXT_ANSWER_MAX} characters`);
    }
    case 'wordcloud':
      return normalizeWords(choice);
  }
}

const word = text(1, WORD_MAX_LENGTH);

/** 1–3 distinct words (or short phrases) of 1–25 characters, trimmed and with inner spacing collapsed. */
function normalizeWords(choice: Choice): string[] {
  const rule = `must be 1–${WORDS_MAX} distinct words of 1–${WORD_MAX_LENGTH} characters`;
  if (!Array.isArray(choice) || choice.length === 0 || choice.length > WORDS_MAX) throw invalidChoice(rule);
  const words = choice.map((w) => {
    const parsed = word.safeParse(typeof w === 'string' ? w.replace(/\s+/g, ' ') : w);
    if (!parsed.success) throw invalidChoice(rule);
    return parsed.data;
  });
  if (new Set(words.map(foldAnswer)).size !== words.length) throw invalidChoice('must not repeat a word');
  return words;
}

function invalidChoice(message: string): AppError {
  return new AppError('VALIDATION_FAILED', `choice: ${message}`, [{ field: 'choice', message }]);
}

/** Whether a stored answer to a quiz poll is the correct option. */
export const isCorrect = (correctOption: number | null, choice: unknown): boolean => correctOption !== null && choice === correctOption;

/** Text answers an event carries at most; `total` still counts them all, and GET …/polls/:pollId lists them all. */
export const BROADCAST_TEXT_ANSWERS = 100;
/** Answer groups and words any result carries at most. */
export const RESULT_GROUPS_MAX = 100;

/**
 * Results as events carry them: a text poll of 5,000 answers would otherwise put a megabyte into every broadcast
 * and every replay, so events keep the latest answers only.
 */
export function forBroadcast(results: PollResults): PollResults {
  if (!('answers' in results)) return results;
  return { ...results, answers: results.answers.slice(-BROADCAST_TEXT_ANSWERS), groups: results.groups.slice(0, RESULT_GROUPS_MAX) };
}
