import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { Leaderboard, LeaderboardView } from '../../../src/polls/leaderboard.schemas.ts';
import { NICKNAME_MAX } from '../../../src/polls/leaderboard.schemas.ts';
import { api } from '../lib/api.ts';
import type { Classroom } from '../lib/classroom.ts';
import { ActionError, connected, useAction } from './class-action.tsx';

const leaderboardKey = (sessionId: string) => ['session', sessionId, 'leaderboard'] as const;
const readBoard = (sessionId: string) =>
  api<LeaderboardView>('GET', `/api/live-sessions/${encodeURIComponent(sessionId)}/polls/leaderboard`);

/** The top 10, each under the name they chose or as an anonymous player. */
export function LeaderboardList({ board }: { board: Leaderboard }) {
  if (board.entries.length === 0) return <p className="muted">No points yet: they count once a quiz closes.</p>;
  return (
    <ol className="class-leaderboard">
      {board.entries.map((e, i) => (
        <li key={i}>
          <span className="class-leaderboard-rank">{e.rank}.</span> <span className="class-text">{e.name ?? 'Anonymous player'}</span>{' '}
          <span className="muted">
            {e.points} points · {e.correct} right
          </span>
        </li>
      ))}
    </ol>
  );
}

/**
 * The mentor's leaderboard: always visible to them, re-read whenever a quiz closes (`closedQuizzes` changes), with a
 * "Show to class" switch (poll:showLeaderboard).
 */
export function MentorLeaderboard({
  sessionId,
  room,
  closedQuizzes,
}: {
  sessionId: string;
  room: Classroom | null;
  closedQuizzes: number;
}) {
  const queryClient = useQueryClient();
  const board = useQuery({ queryKey: [...leaderboardKey(sessionId), closedQuizzes], queryFn: () => readBoard(sessionId) });
  const toggle = useAction();
  const id = useId();
  if (closedQuizzes === 0 && !board.data?.shown) return null;

  async function show(shown: boolean) {
    const view = await toggle.run(() => connected(room).request('poll:showLeaderboard', { sessionId, shown }));
    if (view) queryClient.setQueryData([...leaderboardKey(sessionId), closedQuizzes], view);
  }

  return (
    <section aria-labelledby={`${id}-heading`} className="class-leaderboard-panel">
      <h3 id={`${id}-heading`}>Quiz leaderboard</h3>
      <label className="inline">
        <input
          type="checkbox"
          checked={board.data?.shown ?? false}
          disabled={toggle.pending || !board.data}
          onChange={(e) => void show(e.target.checked)}
        />
        Show to class
      </label>
      {board.data ? <LeaderboardList board={board.data} /> : <p className="muted">Loading the leaderboard…</p>}
      <p className="muted class-small-text">Students are named only if they chose to be; the others show as anonymous players.</p>
      <ActionError error={toggle.error} />
    </section>
  );
}

/**
 * A student's view: the board while the mentor shows it, and how they appear on it (hidden, by name or by a
 * nickname). Their own standing is read only when they open that form, so a board shown to 5,000 is not 5,000 reads.
 */
export function StudentLeaderboard({ sessionId, room, board }: { sessionId: string; room: Classroom | null; board: Leaderboard | null }) {
  const [open, setOpen] = useState(false);
  const mine = useQuery({ queryKey: [...leaderboardKey(sessionId), 'me'], queryFn: () => readBoard(sessionId), enabled: open });
  const queryClient = useQueryClient();
  const save = useAction();
  const id = useId();
  const me = mine.data?.me ?? null;
  const [showAs, setShowAs] = useState<'hidden' | 'name' | 'nickname' | null>(null);
  const [nickname, setNickname] = useState<string | null>(null);
  const choice = showAs ?? me?.showAs ?? 'hidden';
  const nick = nickname ?? me?.nickname ?? '';

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (choice === 'nickname' && !nick.trim()) return save.fail('Write a nickname first.');
    const view = await save.run(() =>
      connected(room).request('poll:player', { sessionId, showAs: choice, ...(choice === 'nickname' && { nickname: nick }) }),
    );
    if (view) queryClient.setQueryData([...leaderboardKey(sessionId), 'me'], view);
  }

  return (
    <section aria-labelledby={`${id}-heading`} className="class-leaderboard-panel">
      {board && (
        <>
          <h3 id={`${id}-heading`}>Quiz leaderboard</h3>
          <LeaderboardList board={board} />
        </>
      )}
      <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary id={board ? undefined : `${id}-heading`}>How you appear on the quiz leaderboard</summary>
        {me && (
          <p>{me.rank === null ? 'No quiz points yet.' : `You are number ${me.rank} with ${me.points} points (${me.correct} right).`}</p>
        )}
        <form className="class-form" onSubmit={(e) => void submit(e)}>
          <label htmlFor={`${id}-show`}>Show me as</label>
          <select id={`${id}-show`} value={choice} onChange={(e) => setShowAs(e.target.value as typeof choice)}>
            <option value="hidden">An anonymous player (default)</option>
            <option value="name">My name</option>
            <option value="nickname">A nickname</option>
          </select>
          {choice === 'nickname' && (
            <>
              <label htmlFor={`${id}-nick`}>Nickname</label>
              <input id={`${id}-nick`} maxLength={NICKNAME_MAX} value={nick} onChange={(e) => setNickname(e.target.value)} />
            </>
          )}
          <button type="submit" className="secondary" disabled={save.pending}>
            Save
          </button>
          <ActionError error={save.error} />
        </form>
      </details>
    </section>
  );
}
