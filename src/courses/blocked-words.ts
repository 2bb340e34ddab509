/**
 * Blocked words: a course's list of words and short phrases refused in chat messages and questions. Matching is
 * whole-word (a letter, mark, digit or underscore on either side means it is part of a longer word), case-insensitive
 * and Unicode-aware: both sides are NFKC-normalized, so full-width or composed forms match their plain spelling, and
 * case folding covers every script. The spaces inside a phrase match any run of white space.
 */

/** Letters, combining marks, digits and the underscore make up a word; anything else ends one. */
const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}_]';

/** A word as stored and compared: NFKC, trimmed, inner white space collapsed to one space. */
export function normalizeBlockedWord(word: string): string {
  return word.normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

/** The list as saved: normalized, empty entries dropped, duplicates (ignoring case) dropped, first spelling kept. */
export function normalizeBlockedWords(words: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of words) {
    const word = normalizeBlockedWord(raw);
    const key = word.toLowerCase();
    if (word && !seen.has(key)) {
      seen.add(key);
      out.push(word);
    }
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** A matcher for the list, or null for an empty list (nothing is ever blocked). */
export function compileBlockedWords(words: readonly string[]): RegExp | null {
  const list = normalizeBlockedWords(words);
  if (list.length === 0) return null;
  // Longest first: when "ice cream" and "ice" are both listed, the match reported is the one the writer typed in full.
  const alternatives = [...list]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.split(' ').map(escapeRegExp).join('\\s+'))
    .join('|');
  return new RegExp(`(?<!${WORD_CHAR})(?:${alternatives})(?!${WORD_CHAR})`, 'iu');
}

/** The first blocked word in `text`, as the writer typed it (after NFKC), or null. */
export function findBlockedWord(matcher: RegExp | null, text: string): string | null {
  if (!matcher) return null;
  return matcher.exec(text.normalize('NFKC'))?.[0] ?? null;
}
