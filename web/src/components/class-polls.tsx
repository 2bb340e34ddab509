import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { Leaderboard } from '../../../src/polls/leaderboard.schemas.ts';
import type { Choice, PollDto, PollResults } from '../../../src/polls/polls.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { api } from '../lib/api.ts';
import { keys, pollsQuery } from '../lib/queries.ts';
import type { Classroom } from '../lib/classroom.ts';
import type { Mine } from '../lib/use-classroom.ts';
import { ActionError, connected, useAction } from './class-action.tsx';
import { ClassPollBuilder } from './class-poll-builder.tsx';
import { PollCountdown, useNow } from './class-poll-countdown.tsx';
import { ClassPollDrafts } from './class-poll-drafts.tsx';
import { MentorLeaderboard, StudentLeaderboard } from './class-poll-leaderboard.tsx';
import { ClassPollResults } from './class-poll-results.tsx';
import { ClassPollVote, describeChoice } from './class-poll-vote.tsx';

interface PollsProps {
  session: SessionDto;
  polls: Record<string, PollDto>;
  room: Classroom | null;
  manages: boolean;
  mine: Mine;
  setMine: (update: (mine: Mine) => Mine) => void;
  /** Managers: answers so far per poll (poll:count). */
  counts?: Record<string, number>;
  /** The leaderboard as the mentor shows it to the class, or null. */
  leaderboard?: Leaderboard | null;
}

const TYPE_LABEL: Record<PollDto['type'], string> = {
  single: 'Single choice',
  multiple: 'Multiple choice',
  rating: 'Rating 1–5',
  text: 'Short answer',
  wordcloud: 'Word cloud',
};

/** Open polls to answer (or close), closed polls with their results, and the builder for course managers. */
export function ClassPolls({ session, polls, room, manages, mine, setMine, counts = {}, leaderboard = null }: PollsProps) {
  const all = Object.values(polls).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const open = all.filter((p) => p.status === 'open').reverse();
  const closed = all.filter((p) => p.status === 'closed').reverse();
  const answers = useQuizAnswers(session.id, manages, all);
  const queryClient = useQueryClient();
  const [fresh, setFresh] = useState<Record<string, PollResults>>({});

  const item = (p: PollDto) => (
    <PollItem
      key={p.id}
      poll={p}
      room={room}
      manages={manages}
      correctOption={p.correctOption ?? answers.known[p.id]}
      results={p.results ?? fresh[p.id]}
      onRefresh={(r) => setFresh((f) => ({ ...f, [p.id]: r }))}
      onChanged={() => void queryClient.invalidateQueries({ queryKey: keys.polls(session.id) })}
      mine={mine.choices[p.id]}
      verdict={mine.verdicts[p.id]}
      count={Math.max(counts[p.id] ?? 0, p.results?.total ?? 0)}
      onVoted={(choice) => setMine((m) => ({ ...m, choices: { ...m.choices, [p.id]: choice } }))}
    />
  );

  return (
    <section aria-labelledby="class-polls-heading" className="panel class-section">
      <h2 id="class-polls-heading">Polls</h2>
      {!session.settings.pollsEnabled && <p className="muted">Polls are turned off for this class.</p>}
      {manages &&
        (session.status === 'live' ? (
          <ClassPollBuilder session={session} room={room} onCreated={answers.learn} />
        ) : (
          session.status === 'scheduled' && (
            <>
              <p className="muted">Prepare polls now and launch each with one click once the class has started.</p>
              <ClassPollBuilder session={session} room={room} onCreated={answers.learn} draftOnly />
            </>
          )
        ))}
      {manages && (session.status === 'live' || session.status === 'scheduled') && <ClassPollDrafts session={session} room={room} />}
      {open.length === 0 ? <p className="muted">No open poll right now.</p> : <ul className="class-list">{open.map(item)}</ul>}
      {closed.length > 0 && (
        <>
          <h3>Closed polls</h3>
          <ul className="class-list">{closed.map(item)}</ul>
        </>
      )}
      {manages ? (
        <MentorLeaderboard sessionId={session.id} room={room} closedQuizzes={closed.filter((p) => p.quiz && !p.anonymous).length} />
      ) : (
        (leaderboard || all.some((p) => p.quiz && !p.anonymous)) && (
          <StudentLeaderboard sessionId={session.id} room={room} board={leaderboard} />
        )
      )}
    </section>
  );
}

/**
 * Quiz answers for managers. Broadcasts leave `correctOption` out until a poll closes (students share them), so a
 * manager learns it from the create ack, or after a reload from the REST list, which shows it to managers.
 */
function useQuizAnswers(sessionId: string, manages: boolean, polls: PollDto[]) {
  const queryClient = useQueryClient();
  const [learned, setLearned] = useState<Record<string, number>>({});
  // The list as last read (the query below re-renders this when it changes), whoever read it.
  const listed = queryClient.getQueryData(pollsQuery(sessionId).queryKey) ?? [];
  const known: Record<string, number> = {
    ...Object.fromEntries(listed.flatMap((p) => (p.correctOption === undefined ? [] : [[p.id, p.correctOption] as const]))),
    ...learned,
  };
  const missing = manages && polls.some((p) => p.quiz && p.correctOption === undefined && known[p.id] === undefined);
  // Read only while an answer is missing. A failure is only a lost hint for the mentor: the answer also arrives
  // when the poll closes.
  useQuery({ ...pollsQuery(sessionId), enabled: missing });
  const learn = (poll: PollDto) => {
    if (poll.correctOption !== undefined) setLearned((k) => ({ ...k, [poll.id]: poll.correctOption as number }));
    // A poll was created: a cached list no longer holds every poll.
    void queryClient.invalidateQueries({ queryKey: keys.polls(sessionId) });
  };
  return { known, learn };
}

interface ItemProps {
  poll: PollDto;
  room: Classroom | null;
  manages: boolean;
  correctOption: number | undefined;
  results: PollResults | undefined;
  onRefresh: (results: PollResults) => void;
  /** The poll was changed (closed) here: cached reads of the poll list are out of date. */
  onChanged: () => void;
  mine: Choice | undefined;
  /** A closed quiz's right or wrong and points, as last read over REST. */
  verdict: { correct: boolean; points: number } | undefined;
  /** Managers: how many have answered. */
  count: number;
  onVoted: (choice: Choice) => void;
}

function PollItem({ poll, room, manages, correctOption, results, onRefresh, onChanged, mine, verdict, count, onVoted }: ItemProps) {
  const headingId = useId();
  const action = useAction();
  const isOpen = poll.status === 'open';
  const now = useNow(isOpen ? poll.closesAt : null);
  const timeUp = isOpen && poll.closesAt !== null && now >= Date.parse(poll.closesAt);
  const flags = [
    TYPE_LABEL[poll.type],
    poll.anonymous && 'anonymous',
    poll.quiz && 'quiz',
    poll.resultsVisibility === 'afterClose' && 'results after close',
  ];

  async function refresh() {
    const latest = await action.run(() => api<PollDto>('GET', `/api/live-sessions/${poll.sessionId}/polls/${poll.id}`));
    if (latest?.results) onRefresh(latest.results);
  }

  return (
    <li className="class-item class-poll">
      <h3 id={headingId} className="class-poll-question class-text">
        {poll.question}
      </h3>
      <p className="muted class-small-text">{flags.filter(Boolean).join(' · ')}</p>
      {isOpen && poll.closesAt && <PollCountdown closesAt={poll.closesAt} now={now} />}
      {/* Where results are shown their total says the same; hidden results still get the live count. */}
      {manages && isOpen && !results && (
        <p className="class-count" aria-live="polite">
          {count === 1 ? '1 answer so far' : `${count} answers so far`}
        </p>
      )}
      {isOpen && !manages && <ClassPollVote poll={poll} labelledBy={headingId} room={room} mine={mine} onVoted={onVoted} locked={timeUp} />}
      {timeUp && !manages && <p className="muted">Answers are locked; the results follow when the poll closes.</p>}
      {!isOpen && !manages && poll.quiz && mine !== undefined && correctOption !== undefined && (
        <Verdict correct={mine === correctOption} points={verdict?.points} />
      )}
      {!isOpen && mine !== undefined && (
        <p className="muted">
          Your answer: <span className="class-text">{describeChoice(poll, mine)}</span>
        </p>
      )}
      {results ? (
        <ClassPollResults poll={poll} results={results} correctOption={correctOption} />
      ) : (
        <p className="muted">{manages ? 'Students see the results when the poll closes.' : 'Results are shown when the poll closes.'}</p>
      )}
      {manages && correctOption !== undefined && isOpen && !results && (
        <p className="muted">Correct answer (hidden from students until closed): {poll.options[correctOption]}</p>
      )}
      {manages && isOpen && (
        <div className="class-row">
          {poll.resultsVisibility === 'afterClose' && (
            <button type="button" className="secondary class-small" disabled={action.pending} onClick={() => void refresh()}>
              Refresh results
            </button>
          )}
          <button
            type="button"
            className="danger class-small"
            disabled={action.pending}
            onClick={() => void action.run(() => connected(room).request('poll:close', { pollId: poll.id })).then(onChanged)}
          >
            Close poll
          </button>
        </div>
      )}
      <ActionError error={action.error} />
    </li>
  );
}

/** Right or wrong, said at once when the quiz closes (role="status" is polite), with the points once known. */
function Verdict({ correct, points }: { correct: boolean; points: number | undefined }) {
  return (
    <p role="status" className={`class-verdict ${correct ? 'class-verdict-right' : 'class-verdict-wrong'}`}>
      {correct ? '✓ Right!' : '✗ Wrong.'}
      {points !== undefined && ` ${points} points.`}
    </p>
  );
}
