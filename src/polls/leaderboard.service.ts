import type { Transaction } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { type ClassDeps, recordChange } from '../classroom/class-deps.ts';
import { createOwedBroadcasts } from '../classroom/owed-broadcasts.ts';
import { sessionTarget } from '../classroom/session-access.ts';
import { listMembers } from '../courses/courses.repo.ts';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { lockSession } from '../sessions/sessions.repo.ts';
import type { LeaderboardView, PlayerBody } from './leaderboard.schemas.ts';
import { isBoardShown, listPendingBoards, listPlayers, markBoardPending, savePlayer, setBoardShown } from './leaderboard.repo.ts';
import { quizStandings, rank, toLeaderboard } from './quiz-standings.ts';

/** A shown board is refreshed at most once a second, however many students opt in at once. */
export const BOARD_INTERVAL_MS = 1000;

export type LeaderboardService = ReturnType<typeof createLeaderboardService>;

/**
 * The per-session quiz leaderboard: points over the closed quizzes, the top 10 of the course's students, each named
 * only if they opted in (by name or nickname). The mentor shows it to the class or hides it (poll:leaderboard); while
 * shown it is refreshed when a quiz closes or a student opts in, coalesced and owed durably like a poll's results.
 */
export function createLeaderboardService(deps: ClassDeps) {
  const { db, audit, loadSession, limits } = deps;

  async function standings(trx: Transaction<Database> | ClassDeps['db'], session: LiveSessionRow) {
    const [{ quizzes, standings }, students, players] = await Promise.all([
      quizStandings(trx, session.id, true),
      listMembers(trx, session.course_id, 'student'),
      listPlayers(trx, session.id),
    ]);
    const names = new Map(students.map((s) => [s.user_id, s.name]));
    const ranked = rank(standings, new Set(names.keys()));
    return { ranked, players, board: toLeaderboard(session.id, quizzes, ranked, names, players) };
  }

  const refreshes = createOwedBroadcasts(deps, {
    what: 'poll:leaderboard broadcast',
    intervalMs: BOARD_INTERVAL_MS,
    listOwed: listPendingBoards,
    send: async (trx, { sessionId }) => {
      // Under the session lock, after any hide in flight: a hidden board is never shown again by a late refresh.
      const session = await lockSession(trx, sessionId);
      if (!session || !(await markBoardPending(trx, sessionId, false)) || !(await isBoardShown(trx, sessionId))) return [];
      return [{ event: 'poll:leaderboard', payload: { leaderboard: (await standings(trx, session)).board } }];
    },
  });

  /** The board as this caller may see it: managers always, students when shown, each student with their own standing. */
  async function view(actor: Actor, session: LiveSessionRow, manages: boolean, isStudent: boolean): Promise<LeaderboardView> {
    const shown = await isBoardShown(db, session.id);
    const { ranked, players, board } = await standings(db, session);
    const mine = ranked.find((r) => r.userId === actor.id);
    const nickname = players.get(actor.id);
    const me = isStudent
      ? {
          rank: mine?.rank ?? null,
          points: mine?.points ?? 0,
          correct: mine?.correct ?? 0,
          showAs: nickname === undefined ? ('hidden' as const) : nickname === null ? ('name' as const) : ('nickname' as const),
          nickname: nickname ?? null,
        }
      : null;
    return { ...board, entries: manages || shown ? board.entries : [], shown, me };
  }

  return {
    async get(actor: Actor, sessionId: string): Promise<LeaderboardView> {
      const { session, manages, membership } = await loadSession(actor, sessionId, 'view', 'poll.leaderboard');
      return view(actor, session, manages, membership === 'student');
    },

    /** Shows the board to the class (its current standings) or hides it; the room hears poll:leaderboard. */
    async show(actor: Actor, sessionId: string, shown: boolean): Promise<LeaderboardView> {
      const { session, manages, membership } = await loadSession(actor, sessionId, 'manage', 'poll.leaderboard');
      const target = sessionTarget(session);
      await audit.guard(actor, 'poll.leaderboard', target, () =>
        recordChange(deps, session.id, async (trx) => {
          const current = await lockSession(trx, session.id);
          if (!current) throw new AppError('SESSION_NOT_FOUND', `Live session ${session.id} was not found`);
          await setBoardShown(trx, session.id, shown);
          await insertAuditEntry(trx, auditEntry(actor, 'poll.leaderboard', target, 'success', { shown }));
          const leaderboard = shown ? (await standings(trx, current)).board : null;
          return { result: null, events: [{ event: 'poll:leaderboard', payload: { leaderboard } }] };
        }),
      );
      return view(actor, session, manages, membership === 'student');
    },

    /** A student opts in (by name or nickname) or out; a shown board is refreshed. */
    async setPlayer(actor: Actor, sessionId: string, input: PlayerBody): Promise<LeaderboardView> {
      const { session, manages, membership } = await loadSession(actor, sessionId, 'view', 'poll.player');
      const target = sessionTarget(session);
      await audit.guard(actor, 'poll.player', target, () => {
        if (membership !== 'student') throw new AppError('FORBIDDEN', 'Only students of the course are on its leaderboard');
      });
      await limits.take(actor, 'vote');
      const nickname = input.showAs === 'hidden' ? undefined : input.showAs === 'name' ? null : (input.nickname ?? null);
      const owed = await db.transaction().execute(async (trx) => {
        await savePlayer(trx, session.id, actor.id, nickname);
        // A nickname is user-written text others will see: who chose it is on record.
        await insertAuditEntry(
          trx,
          auditEntry(actor, 'poll.player', target, 'success', { showAs: input.showAs, nickname: input.nickname }),
        );
        return markBoardPending(trx, session.id, true);
      });
      if (owed) refreshes.owe(session.id, session.id);
      return view(actor, session, manages, true);
    },

    /** Quiz totals of every roster student over the session's launched, non-anonymous quizzes (mentors and admins). */
    async scores(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'poll.scores');
      const [{ quizzes, standings }, students] = await Promise.all([
        quizStandings(db, session.id, false),
        listMembers(db, session.course_id, 'student'),
      ]);
      const none = { answered: 0, correct: 0, points: 0 };
      return {
        sessionId: session.id,
        quizPolls: quizzes,
        students: students.map((s) => ({ userId: s.user_id, name: s.name, ...(standings.get(s.user_id) ?? none) })),
      };
    },

    /** Inside a transaction that closed a quiz: a shown board owes a refresh; call `owe` after the commit. */
    markChanged: (trx: Transaction<Database>, sessionId: string): Promise<boolean> => markBoardPending(trx, sessionId, true),
    owe: (sessionId: string): void => refreshes.owe(sessionId, sessionId),
    stop: (): Promise<void> => refreshes.stop(),
    recover: (): Promise<void> => refreshes.recover(),
  };
}
