import type { Choice, PollDto, PollResults } from './polls.schemas.ts';
import type { PollRow } from './polls.repo.ts';

export interface PollView {
  /** The tally, where this viewer may see it. */
  results?: PollResults;
  /** Show the quiz answer: to managers, and to everyone once the poll is closed. */
  revealCorrect: boolean;
  /** REST reads: the caller's own answer (null when none). */
  myChoice?: unknown;
  /** REST reads of a closed quiz the caller answered: right or wrong, and its points. */
  myResult?: { correct: boolean; points: number };
}

/**
 * Shapes a poll for a viewer. Broadcasts use one view for the whole room (no per-recipient work), so whatever
 * students may not see is left out of them; who voted is never part of any view.
 */
export function toPollDto(row: PollRow, view: PollView): PollDto {
  return {
    id: row.id,
    sessionId: row.session_id,
    question: row.question,
    type: row.type,
    options: row.options,
    status: row.status,
    resultsVisibility: row.results_visibility,
    anonymous: row.anonymous,
    quiz: row.correct_option !== null,
    ...(view.revealCorrect && row.correct_option !== null && { correctOption: row.correct_option }),
    ...(view.results && { results: view.results }),
    ...(view.myChoice !== undefined && { myChoice: view.myChoice as Choice | null }),
    ...(view.myResult && { myResult: view.myResult }),
    durationSeconds: row.duration_seconds,
    createdAt: row.created_at.toISOString(),
    openedAt: row.opened_at ? row.opened_at.toISOString() : null,
    closesAt: row.closes_at ? row.closes_at.toISOString() : null,
    closedAt: row.closed_at ? row.closed_at.toISOString() : null,
  };
}

/** Whether someone who does not manage the session may see the poll's results now. */
export const resultsPublic = (row: PollRow): boolean => row.results_visibility === 'live' || row.status === 'closed';
