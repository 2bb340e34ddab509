import type { Transaction } from 'kysely';
import { requireLive, requireSetting } from '../classroom/session-guards.ts';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { EventDraft } from '../events/events.repo.ts';
import { toPollDto } from './polls.presenter.ts';
import type { PollRow } from './polls.repo.ts';
import { emptyResults, forBroadcast } from './polls.results.ts';
import { currentResults } from './polls.votes.ts';

/** poll:opened: one payload for the whole room, so no quiz answer, and results only when they are shown live. */
export function openedEvent(row: PollRow): Extract<EventDraft, { event: 'poll:opened' }> {
  const results = row.results_visibility === 'live' ? emptyResults(row) : undefined;
  return { event: 'poll:opened', payload: { poll: toPollDto(row, { results, revealCorrect: false }) } };
}

/** poll:closed: final results and the quiz answer, for everyone. */
export async function closedEvent(trx: Transaction<Database>, poll: PollRow): Promise<Extract<EventDraft, { event: 'poll:closed' }>> {
  const dto = toPollDto(poll, { results: forBroadcast(await currentResults(trx, poll)), revealCorrect: true });
  return { event: 'poll:closed', payload: { poll: dto } };
}

/** Polls are opened and answered only in a live class that has them turned on. */
export function requirePollsOpenable(session: LiveSessionRow): void {
  requireLive(session);
  requireSetting(session, 'polls_enabled');
}

export function pollNotFound(pollId: string): AppError {
  return new AppError('POLL_NOT_FOUND', `Poll ${pollId} was not found`);
}

export function pollClosed(): AppError {
  return new AppError('POLL_CLOSED', 'The poll is closed; it no longer takes votes');
}

export function pollTimeUp(): AppError {
  return new AppError('POLL_TIME_UP', "The poll's time is up; answers are locked");
}

export function pollNotDraft(): AppError {
  return new AppError('POLL_NOT_DRAFT', 'The poll is not a draft (it was launched already)');
}
