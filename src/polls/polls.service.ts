import type { Transaction } from 'kysely';
import type { AuditAction } from '../audit/audit.actions.ts';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { listMembers } from '../courses/courses.repo.ts';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { EventDraft } from '../events/events.repo.ts';
import { type ClassDeps, recordChange } from '../classroom/class-deps.ts';
import { requireLive, requireSetting } from '../classroom/session-guards.ts';
import { sessionTarget } from '../classroom/session-access.ts';
import { resultsPublic, toPollDto } from './polls.presenter.ts';
import { closeOpenPolls, closePoll, findChoices, findPoll, insertPoll, listPolls, type PollRow, quizAnswers } from './polls.repo.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import { emptyResults, isCorrect, normalizeChoice } from './polls.results.ts';
import type { Choice, CreatePollBody } from './polls.schemas.ts';
import { forBroadcast } from './polls.results.ts';
import { createVoteWriter, currentResults, pollTarget } from './polls.votes.ts';
import { createAccessCache } from '../classroom/access-cache.ts';

/** How a poll is named: by id alone (socket events), or under its session (REST paths). */
export interface PollRef {
  pollId: string;
  sessionId?: string;
}

export type PollsService = ReturnType<typeof createPollsService>;

/**
 * Polls in a live class: mentors open and close them, members vote once each (and may change their answer while the
 * poll is open). Every change is committed with its event and audit row before anyone hears of it.
 */
export function createPollsService(deps: ClassDeps) {
  const { db, audit, loadSession, limits } = deps;
  const votes = createVoteWriter(deps);
  // A poll's session, type and options never change, and a vote on a poll that closed meanwhile is refused by the
  // vote batch under its lock: a burst reads the poll once, not once per vote.
  const polls = createAccessCache<PollRow | undefined>((row) => row !== undefined);
  const findPollCached = (pollId: string) => polls.get(pollId, () => findPoll(db, pollId));
  const findFresh = (pollId: string) => findPoll(db, pollId);

  /**
   * Access first: the poll's session decides. An outsider learns nothing, not even that the poll exists. Votes pass
   * the cached finder; what is shown or closed is read afresh.
   */
  async function accessPoll(actor: Actor, ref: PollRef, need: 'view' | 'manage', action: AuditAction, find = findFresh) {
    if (ref.sessionId) {
      const access = await loadSession(actor, ref.sessionId, need, action);
      const poll = await find(ref.pollId);
      if (poll?.session_id !== ref.sessionId) throw pollNotFound(ref.pollId);
      return { ...access, poll };
    }
    const poll = await find(ref.pollId);
    if (!poll) throw pollNotFound(ref.pollId);
    try {
      return { ...(await loadSession(actor, poll.session_id, need, action)), poll };
    } catch (err) {
      throw err instanceof AppError && err.code === 'SESSION_NOT_FOUND' ? pollNotFound(ref.pollId) : err;
    }
  }

  /** A poll as this viewer may see it; managers see results and the quiz answer at any time. */
  async function present(poll: PollRow, manages: boolean, myChoice?: unknown) {
    const results = manages || resultsPublic(poll) ? await currentResults(db, poll) : undefined;
    return toPollDto(poll, { results, revealCorrect: manages || poll.status === 'closed', myChoice });
  }

  return {
    async create(actor: Actor, sessionId: string, input: CreatePollBody) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'poll.create');
      const target = sessionTarget(session);
      await audit.guard(actor, 'poll.create', target, () => requirePollsOpenable(session));
      const { result: row } = await audit.guard(actor, 'poll.create', target, () =>
        recordChange(deps, session.id, async (trx) => {
          // The class may have ended, or polls been turned off, since it was read.
          const current = await lockSession(trx, session.id);
          requirePollsOpenable({ ...session, ...current });
          const row = await insertPoll(trx, {
            session_id: session.id,
            created_by: actor.id,
            question: input.question,
            type: input.type,
            options: JSON.stringify(input.options ?? []),
            correct_option: input.correctOption ?? null,
            results_visibility: input.resultsVisibility,
            anonymous: input.anonymous,
            status: 'open',
          });
          const details = { type: row.type, quiz: row.correct_option !== null, anonymous: row.anonymous };
          await insertAuditEntry(trx, auditEntry(actor, 'poll.create', pollTarget(session, row.id), 'success', details));
          // One payload for the whole room: no quiz answer, and results only when they are shown live.
          const results = row.results_visibility === 'live' ? emptyResults(row) : undefined;
          return { result: row, events: [{ event: 'poll:opened', payload: { poll: toPollDto(row, { results, revealCorrect: false }) } }] };
        }),
      );
      return toPollDto(row, { results: emptyResults(row), revealCorrect: true });
    },

    /** The session's polls, oldest first, each with results where the caller may see them and their own answer. */
    async list(actor: Actor, sessionId: string) {
      const { session, manages } = await loadSession(actor, sessionId, 'view', 'poll.list');
      const polls = await listPolls(db, session.id);
      const mine = await findChoices(
        db,
        actor.id,
        polls.map((p) => p.id),
      );
      return { items: await Promise.all(polls.map((p) => present(p, manages, mine.get(p.id) ?? null))) };
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
      await audit.guard(actor, 'poll.vote', target, () => {
        requirePollsOpenable(session);
        if (poll.status !== 'open') throw pollClosed();
      });
      await limits.take(actor, 'vote');
      // False when the poll closed while the vote waited for its batch.
      const written = await votes.write({ actor, session, poll, choice: stored });
      if (!written) throw await audit.deny(actor, 'poll.vote', target, pollClosed());
      if (poll.results_visibility === 'live') votes.changed(poll);
      return { pollId: poll.id, choice: stored };
    },

    /** Closes the poll: everyone hears poll:closed with the final results and, for a quiz, the correct option. */
    async close(actor: Actor, ref: PollRef) {
      const { session, poll } = await accessPoll(actor, ref, 'manage', 'poll.close');
      const target = pollTarget(session, poll.id);
      if (poll.status !== 'open') throw await audit.deny(actor, 'poll.close', target, pollClosed());
      const { result } = await audit.guard(actor, 'poll.close', target, () =>
        recordChange(deps, session.id, async (trx) => {
          await lockSession(trx, session.id);
          const closed = await closePoll(trx, poll.id, new Date());
          if (!closed) throw pollClosed();
          await insertAuditEntry(trx, auditEntry(actor, 'poll.close', pollTarget(session, poll.id), 'success'));
          const event = await closedEvent(trx, closed);
          return { result: event.payload.poll, events: [event] };
        }),
      );
      polls.invalidate(poll.id);
      return result;
    },

    /** Quiz scores of every roster student over the session's non-anonymous quiz polls (mentors and admins). */
    async scores(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'poll.scores');
      const { polls, answers } = await quizAnswers(db, session.id);
      const correctOf = new Map(polls.map((p) => [p.id, p.correct_option]));
      const tally = new Map<string, { answered: number; correct: number }>();
      for (const a of answers) {
        const t = tally.get(a.user_id) ?? { answered: 0, correct: 0 };
        t.answered += 1;
        if (isCorrect(correctOf.get(a.poll_id) ?? null, a.choice)) t.correct += 1;
        tally.set(a.user_id, t);
      }
      const students = await listMembers(db, session.course_id, 'student');
      return {
        sessionId: session.id,
        quizPolls: polls.length,
        students: students.map((s) => ({ userId: s.user_id, name: s.name, ...(tally.get(s.user_id) ?? { answered: 0, correct: 0 }) })),
      };
    },

    /** The class ended: every open poll closes at that instant, inside the transaction that ended it. */
    async onClassEnd(trx: Transaction<Database>, sessionId: string, at: Date): Promise<EventDraft[]> {
      const closed = await closeOpenPolls(trx, sessionId, at);
      // Before the commit, so a vote may still read "open" from a reload; its batch then finds the poll closed.
      for (const poll of closed) polls.invalidate(poll.id);
      const events: EventDraft[] = [];
      for (const poll of closed) events.push(await closedEvent(trx, poll));
      return events;
    },

    stop: votes.stop,
    recover: votes.recover,
  };
}

/** poll:closed: final results and the quiz answer, for everyone. */
async function closedEvent(trx: Transaction<Database>, poll: PollRow): Promise<Extract<EventDraft, { event: 'poll:closed' }>> {
  const dto = toPollDto(poll, { results: forBroadcast(await currentResults(trx, poll)), revealCorrect: true });
  return { event: 'poll:closed', payload: { poll: dto } };
}

/** Polls are opened and answered only in a live class that has them turned on. */
function requirePollsOpenable(session: LiveSessionRow): void {
  requireLive(session);
  requireSetting(session, 'polls_enabled');
}

function pollNotFound(pollId: string): AppError {
  return new AppError('POLL_NOT_FOUND', `Poll ${pollId} was not found`);
}

function pollClosed(): AppError {
  return new AppError('POLL_CLOSED', 'The poll is closed; it no longer takes votes');
}
