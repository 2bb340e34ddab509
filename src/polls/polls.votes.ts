import type { Actor } from '../auth/actor.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { groupCommit } from '../db/batcher.ts';
import type { LiveSessionRow } from '../db/tables.ts';
import type { ClassDeps } from '../classroom/class-deps.ts';
import { createOwedBroadcasts } from '../classroom/owed-broadcasts.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { countChoices, findPoll, listPendingBroadcasts, markBroadcastPending, type PollRow, writeVotes } from './polls.repo.ts';
import { forBroadcast, tallyResults } from './polls.results.ts';
import type { Choice } from './polls.schemas.ts';

/** At most two poll:results per poll per second, however fast votes arrive. */
export const RESULTS_INTERVAL_MS = 500;

export interface VoteWrite {
  actor: Actor;
  session: LiveSessionRow;
  poll: PollRow;
  choice: Choice;
}

/** The audit target of a poll action: the poll, filed under its course and session. */
export const pollTarget = (session: Pick<LiveSessionRow, 'id' | 'course_id'>, pollId: string) => ({
  type: 'poll',
  id: pollId,
  courseId: session.course_id,
  sessionId: session.id,
});

/** A poll's current tally, read inside the caller's transaction (or straight from the database). */
export async function currentResults(db: ClassDeps['db'], poll: PollRow) {
  return tallyResults(poll, await countChoices(db, poll.id));
}

/**
 * The vote hot path's two shared pieces. Votes are written by group commit: concurrent votes share one statement,
 * each resolving after its commit with whether its poll was still open. Live results are coalesced per poll into
 * poll:results events at a bounded rate, computed once for the whole room.
 */
export function createVoteWriter(deps: ClassDeps) {
  const writes = groupCommit<VoteWrite, boolean>(
    async (items) => {
      // One row per voter and poll: within a batch, as across batches, the later vote replaces the earlier.
      const latest = new Map(items.map((v) => [`${v.poll.id} ${v.actor.id}`, v]));
      const rows = [...latest.values()].map((v) => ({ pollId: v.poll.id, userId: v.actor.id, choice: v.choice }));
      const audit = items.map((v) => auditEntry(v.actor, 'poll.vote', pollTarget(v.session, v.poll.id), 'success'));
      const open = await writeVotes(deps.db, rows, audit, new Date());
      return items.map((v) => open.has(v.poll.id));
    },
    { observer: deps.observeBatches?.('votes') },
  );

  const results = createOwedBroadcasts(deps, {
    what: 'poll:results broadcast',
    intervalMs: RESULTS_INTERVAL_MS,
    listOwed: listPendingBroadcasts,
    send: async (trx, { sessionId, id: pollId }) => {
      // The session lock orders this after any close in flight: no poll:results follows a poll:closed.
      await lockSession(trx, sessionId);
      await markBroadcastPending(trx, [pollId], false);
      const current = await findPoll(trx, pollId);
      if (current?.status !== 'open' || current.results_visibility !== 'live') return [];
      return [{ event: 'poll:results', payload: { pollId, results: forBroadcast(await currentResults(trx, current)) } }];
    },
  });

  return {
    /** Resolves after the vote's commit: true when stored, false when its poll had closed meanwhile. */
    write: (vote: VoteWrite): Promise<boolean> => writes.submit(vote),
    /** A vote changed this poll's tally: a poll:results follows within RESULTS_INTERVAL_MS. */
    changed: (poll: Pick<PollRow, 'id' | 'session_id'>): void => results.owe(poll.session_id, poll.id),
    stop: (): Promise<void> => results.stop(),
    /** Tallies a stopped process still owed go out again. */
    recover: (): Promise<void> => results.recover(),
  };
}
