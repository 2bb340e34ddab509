import type { Transaction } from 'kysely';
import type { AuditAction } from '../audit/audit.actions.ts';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { EventDraft } from '../events/events.repo.ts';
import { type ClassDeps, recordChange } from '../classroom/class-deps.ts';
import { isEnded, sessionEndedError, sessionTarget } from '../classroom/session-access.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { createAccessCache } from '../classroom/access-cache.ts';
import type { LeaderboardService } from './leaderboard.service.ts';
import { createCountNotices, type NotifyManagers } from './polls.count.ts';
import { closedEvent, openedEvent, pollClosed, pollNotDraft, pollNotFound, pollTimeUp, requirePollsOpenable } from './polls.events.ts';
import { resultsPublic, toPollDto } from './polls.presenter.ts';
import {
  closeDuePoll,
  closeOpenPolls,
  closePoll,
  deleteDraft,
  findChoices,
  findPoll,
  insertPoll,
  launchDraft,
  listPolls,
  type PollRow,
} from './polls.repo.ts';
import { emptyResults, normalizeChoice } from './polls.results.ts';
import type { Choice, CreatePollBody } from './polls.schemas.ts';
import { createPollTimer } from './polls.timer.ts';
import { createVoteWriter, currentResults, pollTarget } from './polls.votes.ts';
import { quizPoints } from './quiz-points.ts';

/** How a poll is named: by id alone (socket events), or under its session (REST paths). */
export interface PollRef {
  pollId: string;
  sessionId?: string;
}

export type PollsService = ReturnType<typeof createPollsService>;

/**
 * Polls in a live class: mentors prepare (draft), open, launch and close them, members vote once each (and may change
 * their answer while the poll is open); a timed poll closes itself. Every change is committed with its event and
 * audit row before anyone hears of it.
 */
export function createPollsService(deps: ClassDeps, board: LeaderboardService, notifyManagers: NotifyManagers) {
  const { db, audit, loadSession, limits } = deps;
  const votes = createVoteWriter(deps);
  const counts = createCountNotices(deps, notifyManagers);
  const timer = createPollTimer(db, deps.log, closeDue);
  // A poll's session, type and options never change, and a vote on a poll that closed meanwhile is refused by the
  // vote batch under its lock: a burst reads the poll once, not once per vote. A draft is not kept: it may open.
  const polls = createAccessCache<PollRow | undefined>((row) => row !== undefined && row.status !== 'draft');
  const findPollCached = (pollId: string) => polls.get(pollId, () => findPoll(db, pollId));
  const findFresh = (pollId: string) => findPoll(db, pollId);

  /**
   * Access first: the poll's session decides. An outsider learns nothing, not even that the poll exists; nor does a
   * student of a draft. Votes pass the cached finder; what is shown or closed is read afresh.
   */
  async function accessPoll(actor: Actor, ref: PollRef, need: 'view' | 'manage', action: AuditAction, find = findFresh) {
    const hideDraft = <T extends { manages: boolean }>(access: T, poll: PollRow) => {
      if (poll.status === 'draft' && !access.manages) throw pollNotFound(ref.pollId);
      return { ...access, poll };
    };
    if (ref.sessionId) {
      const access = await loadSession(actor, ref.sessionId, need, action);
      const poll = await find(ref.pollId);
      if (poll?.session_id !== ref.sessionId) throw pollNotFound(ref.pollId);
      return hideDraft(access, poll);
    }
    const poll = await find(ref.pollId);
    if (!poll) throw pollNotFound(ref.pollId);
    try {
      return hideDraft(await loadSession(actor, poll.session_id, need, action), poll);
    } catch (err) {
      throw err instanceof AppError && err.code === 'SESSION_NOT_FOUND' ? pollNotFound(ref.pollId) : err;
    }
  }

  /** A poll as this viewer may see it; managers see results and the quiz answer at any time. */
  async function present(poll: PollRow, manages: boolean, mine?: { choice: unknown; at: Date } | null) {
    const results = manages || resultsPublic(poll) ? await currentResults(db, poll) : undefined;
    const myResult = mine && poll.status === 'closed' && poll.correct_option !== null ? quizPoints(poll, mine.choice, mine.at) : undefined;
    return toPollDto(poll, { results, revealCorrect: manages || poll.status === 'closed', myChoice: mine ? mine.choice : null, myResult });
  }

  /** After a commit that closed polls: no timer, no cached "open", and a shown leaderboard refreshed. */
  function afterClose(sessionId: string, closed: PollRow[], boardOwed: boolean) {
    for (const poll of closed) {
      polls.invalidate(poll.id);
      timer.cancel(poll.id);
    }
    if (boardOwed) board.owe(sessionId);
  }

  /** Quizzes that closed change the leaderboard: inside their transaction, whether a shown board owes a refresh. */
  const boardChanged = (trx: Transaction<Database>, sessionId: string, closed: PollRow[]) =>
    closed.some((p) => p.correct_option !== null && !p.anonymous) ? board.markChanged(trx, sessionId) : Promise.resolve(false);

  /** The timer's close: only if still open and due, so nodes and sweeps racing for it close it once. */
  async function closeDue(sessionId: string, pollId: string): Promise<void> {
    const { result } = await recordChange(deps, sessionId, async (trx) => {
      const session = await lockSession(trx, sessionId);
      const closed = session && (await closeDuePoll(trx, pollId, new Date()));
      if (!session || !closed) return { result: undefined, events: [] };
      await insertAuditEntry(trx, auditEntry(null, 'poll.close', pollTarget(session, pollId), 'success', { by: 'timer' }));
      return { result: { closed, owed: await boardChanged(trx, sessionId, [closed]) }, events: [await closedEvent(trx, closed)] };
    });
    if (result) afterClose(sessionId, [result.closed], result.owed);
  }

  return {
    async create(actor: Actor, sessionId: string, input: CreatePollBody) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'poll.create');
      const target = sessionTarget(session);
      const check = (s: LiveSessionRow) => (input.draft ? requireDraftable(s) : requirePollsOpenable(s));
      await audit.guard(actor, 'poll.create', target, () => check(session));
      const { result: row } = await audit.guard(actor, 'poll.create', target, () =>
        recordChange(deps, session.id, async (trx) => {
          // The class may have ended, or polls been turned off, since it was read.
          const current = await lockSession(trx, session.id);
          check({ ...session, ...current });
          const at = new Date();
          const row = await insertPoll(trx, {
            session_id: session.id,
            created_by: actor.id,
            question: input.question,
            type: input.type,
            options: JSON.stringify(input.options ?? []),
            correct_option: input.correctOption ?? null,
            results_visibility: input.resultsVisibility,
            anonymous: input.anonymous,
            status: input.draft ? 'draft' : 'open',
            duration_seconds: input.durationSeconds ?? null,
            opened_at: input.draft ? null : at,
            closes_at: !input.draft && input.durationSeconds ? new Date(at.getTime() + input.durationSeconds * 1000) : null,
          });
          const details = { type: row.type, quiz: row.correct_option !== null, anonymous: row.anonymous, draft: input.draft };
          await insertAuditEntry(trx, auditEntry(actor, 'poll.create', pollTarget(session, row.id), 'success', details));
          // A draft is for managers only: the room hears of it when it is launched.
          return { result: row, events: input.draft ? [] : [openedEvent(row)] };
        }),
      );
      if (row.closes_at) timer.schedule(row);
      return toPollDto(row, { results: emptyResults(row), revealCorrect: true });
    },

    /** Opens a draft with one click: the room hears poll:opened, and its timer (if any) starts now. */
    async launch(actor: Actor, ref: PollRef) {
      const { session, poll } = await accessPoll(actor, ref, 'manage', 'poll.launch');
      const target = pollTarget(session, poll.id);
      await audit.guard(actor, 'poll.launch', target, () => {
        if (poll.status !== 'draft') throw pollNotDraft();
        requirePollsOpenable(session);
      });
      const { result: row } = await audit.guard(actor, 'poll.launch', target, () =>
        recordChange(deps, session.id, async (trx) => {
          const current = await lockSession(trx, session.id);
          requirePollsOpenable({ ...session, ...current });
          const row = await launchDraft(trx, poll.id, new Date());
          if (!row) throw pollNotDraft();
          await insertAuditEntry(trx, auditEntry(actor, 'poll.launch', target, 'success'));
          return { result: row, events: [openedEvent(row)] };
        }),
      );
      polls.invalidate(row.id);
      if (row.closes_at) timer.schedule(row);
      return toPollDto(row, { results: emptyResults(row), revealCorrect: true });
    },

    /** Deletes a draft (a launched poll stays: it is part of the class's record). */
    async discard(actor: Actor, ref: PollRef): Promise<void> {
      const { session, poll } = await accessPoll(actor, ref, 'manage', 'poll.discard');
      const target = pollTarget(session, poll.id);
      await audit.guard(actor, 'poll.discard', target, async () => {
        const deleted = await db.transaction().execute(async (trx) => {
          if (!(await deleteDraft(trx, poll.id))) return false;
          await insertAuditEntry(trx, auditEntry(actor, 'poll.discard', target, 'success'));
          return true;
        });
        if (!deleted) throw pollNotDraft();
      });
    },

    /** The session's polls, oldest first (drafts for managers only), with results where the caller may see them. */
    async list(actor: Actor, sessionId: string) {
      const { session, manages } = await loadSession(actor, sessionId, 'view', 'poll.list');
      const rows = await listPolls(db, session.id, manages);
      const mine = await findChoices(
        db,
        actor.id,
        rows.map((p) => p.id),
      );
      return { items: await Promise.all(rows.map((p) => present(p, manages, mine.get(p.id) ?? null))) };
    },

    async get(actor: Actor, ref: PollRef) {
      const { poll, manages } = await accessPoll(actor, ref, 'view', 'poll.read');
      const mine = await findChoices(db, actor.id, [poll.id]);
      return present(poll, manages, mine.get(poll.id) ?? null);
    },

    /** One answer per member; a second vote replaces the first. Acknowledged after its commit. */
    async vote(actor: Actor, ref: PollRef, choice: Choice) {
      const { session, poll } = await accessPoll(actor, ref, 'view', 'poll.vote', findPollCached);
      const stored = normalizeChoice(poll, choice);
      const target = pollTarget(session, poll.id);
      const timeUp = () => poll.closes_at !== null && poll.closes_at.getTime() <= Date.now();
      await audit.guard(actor, 'poll.vote', target, () => {
        requirePollsOpenable(session);
        if (poll.status !== 'open') throw pollClosed();
        if (timeUp()) throw pollTimeUp();
      });
      await limits.take(actor, 'vote');
      // False when the poll closed (or its time ran out) while the vote waited for its batch.
      const written = await votes.write({ actor, session, poll, choice: stored });
      if (!written) throw await audit.deny(actor, 'poll.vote', target, timeUp() ? pollTimeUp() : pollClosed());
      if (poll.results_visibility === 'live') votes.changed(poll);
      counts.changed(session.id, poll.id);
      return { pollId: poll.id, choice: stored };
    },

    /** Closes the poll: everyone hears poll:closed with the final results and, for a quiz, the correct option. */
    async close(actor: Actor, ref: PollRef) {
      const { session, poll } = await accessPoll(actor, ref, 'manage', 'poll.close');
      const target = pollTarget(session, poll.id);
      if (poll.status !== 'open')
        throw await audit.deny(actor, 'poll.close', target, poll.status === 'draft' ? draftNotOpen() : pollClosed());
      const { result } = await audit.guard(actor, 'poll.close', target, () =>
        recordChange(deps, session.id, async (trx) => {
          await lockSession(trx, session.id);
          const closed = await closePoll(trx, poll.id, new Date());
          if (!closed) throw pollClosed();
          await insertAuditEntry(trx, auditEntry(actor, 'poll.close', target, 'success'));
          const event = await closedEvent(trx, closed);
          return { result: { dto: event.payload.poll, closed, owed: await boardChanged(trx, session.id, [closed]) }, events: [event] };
        }),
      );
      afterClose(session.id, [result.closed], result.owed);
      return result.dto;
    },

    /** The class ended: every open poll closes at that instant, inside the transaction that ended it. */
    async onClassEnd(trx: Transaction<Database>, sessionId: string, at: Date): Promise<EventDraft[]> {
      const closed = await closeOpenPolls(trx, sessionId, at);
      // Before the commit, so a vote may still read "open" from a reload; its batch then finds the poll closed. The
      // board's refresh may go out before this commits: it then waits on the session lock, and reads the result.
      afterClose(sessionId, closed, await boardChanged(trx, sessionId, closed));
      const events: EventDraft[] = [];
      for (const poll of closed) events.push(await closedEvent(trx, poll));
      return events;
    },

    async stop(): Promise<void> {
      await timer.stop();
      await Promise.all([votes.stop(), counts.stop()]);
    },
    async recover(): Promise<void> {
      await votes.recover();
      await timer.start();
    },
  };
}

/** A draft may be prepared before class or during it, not once it is over. */
function requireDraftable(session: LiveSessionRow): void {
  if (isEnded(session.status)) throw sessionEndedError(session.status, 'prepare polls');
}

function draftNotOpen(): AppError {
  return new AppError('INVALID_TRANSITION', 'The poll is a draft: launch it, or delete it');
}
