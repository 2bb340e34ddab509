import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { PollDto } from '../../../src/polls/polls.schemas.ts';
import { connected, toApiError } from '../components/class-action.tsx';
import { ClassPollResults } from '../components/class-poll-results.tsx';
import { JoinCard } from '../components/presenter/join-card.tsx';
import { TopQuestions } from '../components/presenter/top-questions.tsx';
import { keys, pollsQuery } from '../lib/queries.ts';
import { href } from '../lib/router.ts';
import { useClassroom } from '../lib/use-classroom.ts';
import '../classroom.css';
import '../presenter.css';

/** Polls in the order they were asked (drafts never were: a class read over REST may list them); the one on screen is picked from these. */
const inOrder = (polls: Record<string, PollDto>) =>
  Object.values(polls)
    .filter((p) => p.status !== 'draft')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));

/** The poll to show unless the mentor picked another: the newest open one, else the last one asked. */
function currentPoll(polls: PollDto[]): PollDto | null {
  const open = polls.filter((p) => p.status === 'open');
  return open.at(-1) ?? polls.at(-1) ?? null;
}

const SHORTCUTS: [string, string][] = [
  ['L', 'launch the next prepared poll'],
  ['N / P', 'next / previous poll'],
  ['R', 'show or hide results'],
  ['C', 'close the poll on screen'],
  ['F', 'full screen'],
];

/**
 * The presenter view (`/sessions/:id/present`): what a mentor shares in the meeting. The poll on screen in large type
 * with its live results, the way in (QR code and short link), and the top questions. Results of a poll that shows
 * them only after closing stay hidden on the shared screen until then, unless the mentor reveals them (R).
 */
export function PresenterPage({ sessionId }: { sessionId: string }) {
  const { session, presence, questions, polls, counts, status, room } = useClassroom(sessionId);
  const manages = presence.users !== null;
  const queryClient = useQueryClient();
  // Prepared polls (drafts) are read over REST: the room's events never carry them.
  const drafts = (useQuery({ ...pollsQuery(sessionId), enabled: manages }).data ?? []).filter((p) => p.status === 'draft');
  const all = useMemo(() => inOrder(polls), [polls]);
  const [pickedId, setPickedId] = useState<string | null>(null);
  const [reveal, setReveal] = useState<Record<string, boolean>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const launching = useRef<string | null>(null);
  const poll = all.find((p) => p.id === pickedId) ?? currentPoll(all);
  const shown = poll ? (reveal[poll.id] ?? !(poll.status === 'open' && poll.resultsVisibility === 'afterClose')) : false;
  // Mentors hear how many answered even while results are hidden (poll:count); the results say it once shown.
  const responses = poll ? (poll.results?.total ?? counts[poll.id] ?? null) : null;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || !manages) return;
      const at = poll ? all.findIndex((p) => p.id === poll.id) : -1;
      const key = e.key.toLowerCase();
      if (key === 'n' || key === 'p') {
        const next = all[Math.min(Math.max(at + (key === 'n' ? 1 : -1), 0), all.length - 1)];
        if (next) setPickedId(next.id);
      } else if (key === 'l') {
        const next = drafts.find((d) => d.id !== launching.current);
        if (!next) setNotice('No prepared poll left to launch.');
        else {
          // A second L while the first launch is on its way launches the next draft, not the same one again.
          launching.current = next.id;
          void (async () => {
            try {
              const launched = await connected(room).request('poll:launch', { pollId: next.id });
              setPickedId(launched.id);
              setNotice(`Launched: ${launched.question}`);
              void queryClient.invalidateQueries({ queryKey: keys.polls(sessionId) });
            } catch (err) {
              setNotice(`The poll could not be launched: ${toApiError(err).message}`);
            }
          })();
        }
      } else if (key === 'r' && poll) {
        // An open poll that shows results only after closing has none to show yet (nobody is sent them).
        if (!shown && !poll.results) setNotice('This poll shows its results once it closes: press C to close it.');
        else setReveal((r) => ({ ...r, [poll.id]: !shown }));
      } else if (key === 'c' && poll?.status === 'open') {
        const pollId = poll.id;
        void (async () => {
          try {
            await connected(room).request('poll:close', { pollId });
            setNotice('Poll closed.');
          } catch (err) {
            setNotice(`The poll could not be closed: ${toApiError(err).message}`);
          }
        })();
      } else if (key === 'f') {
        if (document.fullscreenElement) void document.exitFullscreen();
        else void document.documentElement.requestFullscreen().catch(() => setNotice('Full screen is not available here.'));
      } else return;
      e.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [all, poll, shown, manages, room, drafts, queryClient, sessionId]);

  if (!session) {
    return (
      <main className="present-page present-message">
        <p role={status.status === 'closed' ? 'alert' : 'status'}>
          {status.status === 'closed' ? (status.reason ?? 'This class could not be opened.') : 'Opening the presenter view…'}
        </p>
      </main>
    );
  }
  if (!manages) {
    return (
      <main className="present-page present-message">
        <h1>{session.title}</h1>
        <p>The presenter view is for the class's mentors. </p>
        <p>
          <a href={`/${href.session(session.id)}`}>Go to the class page</a>
        </p>
      </main>
    );
  }

  return (
    <main className="present-page">
      <header className="present-header">
        <h1>{session.title}</h1>
        <p className="present-status">
          {session.status === 'live' ? `Live · ${presence.count} in class` : session.status === 'scheduled' ? 'Not started yet' : 'Ended'}
        </p>
      </header>
      <section className="present-stage" aria-label="Poll on screen" aria-live="polite">
        {poll ? (
          <>
            <p className="present-kicker">
              {poll.quiz ? 'Quiz' : 'Poll'} {all.indexOf(poll) + 1} of {all.length} · {poll.status === 'open' ? 'open' : 'closed'}
              {/* The results say how many voted themselves; while hidden, the count alone is shown here. */}
              {!shown && responses !== null && ` · ${responses} ${responses === 1 ? 'response' : 'responses'}`}
            </p>
            <h2 className="present-question-big">{poll.question}</h2>
            {shown && poll.results ? (
              <ClassPollResults
                poll={poll}
                results={poll.results}
                correctOption={poll.status === 'closed' ? poll.correctOption : undefined}
              />
            ) : (
              <p className="present-hidden">Results are hidden{manages ? ' (press R to show them)' : ''}.</p>
            )}
          </>
        ) : (
          <p className="present-empty">
            No poll yet. Polls you open in the class page appear here{drafts.length > 0 ? '; press L to launch a prepared one' : ''}.
          </p>
        )}
      </section>
      <aside className="present-side">
        <JoinCard joinCode={session.joinCode} />
        <TopQuestions questions={questions} />
      </aside>
      <footer className="present-keys">
        <p role="status">{notice}</p>
        <dl aria-label="Keyboard shortcuts">
          {SHORTCUTS.map(([k, what]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </footer>
    </main>
  );
}
