import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import { LEADERBOARD_SIZE, type Leaderboard } from './leaderboard.schemas.ts';
import { quizAnswers } from './polls.repo.ts';
import { quizPoints } from './quiz-points.ts';

export interface Standing {
  answered: number;
  correct: number;
  points: number;
}

/**
 * Each student's quiz totals over the session's non-anonymous quizzes: all launched ones (mentors' scores), or the
 * closed ones only (the leaderboard: an open quiz's points would tell students which answer is right).
 */
export async function quizStandings(db: Kysely<Database>, sessionId: string, closedOnly: boolean) {
  const { polls, answers } = await quizAnswers(db, sessionId, closedOnly);
  const byId = new Map(polls.map((p) => [p.id, p]));
  const standings = new Map<string, Standing>();
  for (const a of answers) {
    const poll = byId.get(a.poll_id);
    if (!poll) continue;
    const s = standings.get(a.user_id) ?? { answered: 0, correct: 0, points: 0 };
    const { correct, points } = quizPoints(poll, a.choice, a.updated_at);
    s.answered += 1;
    if (correct) s.correct += 1;
    s.points += points;
    standings.set(a.user_id, s);
  }
  return { quizzes: polls.length, standings };
}

export interface Ranked extends Standing {
  userId: string;
  rank: number;
}

/** Most points first; equal points share a rank (1, 1, 3); then more right answers, then by id, for a stable order. */
export function rank(standings: Map<string, Standing>, among: Set<string>): Ranked[] {
  const sorted = [...standings]
    .filter(([userId]) => among.has(userId))
    .map(([userId, s]) => ({ userId, ...s, rank: 0 }))
    .sort((a, b) => b.points - a.points || b.correct - a.correct || a.userId.localeCompare(b.userId));
  sorted.forEach((r, i) => {
    const previous = sorted[i - 1];
    r.rank = previous && previous.points === r.points ? previous.rank : i + 1;
  });
  return sorted;
}

/** The board the class sees: the top 10, each named only as they opted in. */
export function toLeaderboard(
  sessionId: string,
  quizzes: number,
  ranked: Ranked[],
  names: Map<string, string>,
  players: Map<string, string | null>,
): Leaderboard {
  return {
    sessionId,
    quizzes,
    entries: ranked.slice(0, LEADERBOARD_SIZE).map((r) => {
      const nickname = players.get(r.userId);
      const name = nickname === undefined ? null : (nickname ?? names.get(r.userId) ?? null);
      return { rank: r.rank, name, points: r.points, correct: r.correct };
    }),
  };
}
