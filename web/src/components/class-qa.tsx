import { type FormEvent, useId, useState } from 'react';
import type { Question } from '../../../src/qa/qa.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import type { Classroom } from '../lib/classroom.ts';
import type { Mine } from '../lib/use-classroom.ts';
import { ActionError, closedBecause, connected, useAction } from './class-action.tsx';
import { ClassQuestion } from './class-question.tsx';

type Sort = 'votes' | 'recent';

interface QaProps {
  session: SessionDto;
  questions: Record<string, Question>;
  room: Classroom | null;
  manages: boolean;
  mine: Mine;
  setMine: (update: (mine: Mine) => Mine) => void;
}

/** The server's orders: `votes` is most upvoted first, then oldest; `recent` is newest first. */
function sorted(questions: Question[], sort: Sort): Question[] {
  const byAge = (a: Question, b: Question) => a.createdAt.localeCompare(b.createdAt);
  return [...questions].sort(sort === 'votes' ? (a, b) => b.upvotes - a.upvotes || byAge(a, b) : (a, b) => byAge(b, a));
}

/** Q&A: ask (optionally anonymously), upvote, and for course managers a queue to answer or dismiss. */
export function ClassQa({ session, questions, room, manages, mine, setMine }: QaProps) {
  const [sort, setSort] = useState<Sort>('votes');
  const [hideDismissed, setHideDismissed] = useState(false);
  const id = useId();
  const all = Object.values(questions);
  // Mentors working through a long queue may drop what they have dismissed.
  const shown = sorted(
    all.filter((q) => !hideDismissed || q.status !== 'dismissed'),
    sort,
  );

  return (
    <section aria-labelledby="class-qa-heading" className="panel class-section">
      <h2 id="class-qa-heading">Questions</h2>
      {!manages && <AskForm session={session} room={room} />}
      <div className="class-toolbar">
        <div>
          <label htmlFor={`${id}-sort`}>Sort by</label>
          <select id={`${id}-sort`} value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="votes">Votes</option>
            <option value="recent">Recent</option>
          </select>
        </div>
        {manages && (
          <label className="inline">
            <input type="checkbox" checked={hideDismissed} onChange={(e) => setHideDismissed(e.target.checked)} />
            Hide dismissed
          </label>
        )}
      </div>
      {shown.length === 0 ? (
        <p className="muted">No questions yet.</p>
      ) : (
        <ol className="class-list" aria-label={`Questions, by ${sort === 'votes' ? 'votes' : 'most recent'}`}>
          {shown.map((q) => (
            <ClassQuestion
              key={q.id}
              question={q}
              room={room}
              manages={manages}
              live={session.status === 'live'}
              upvoted={mine.upvoted.has(q.id)}
              onUpvoted={(upvoted) =>
                setMine((m) => {
                  const next = new Set(m.upvoted);
                  if (upvoted) next.add(q.id);
                  else next.delete(q.id);
                  return { ...m, upvoted: next };
                })
              }
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function AskForm({ session, room }: { session: SessionDto; room: Classroom | null }) {
  const [question, setQuestion] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const ask = useAction();
  const id = useId();
  const allowAnonymous = session.settings.anonymousQuestions;
  const closedNote = closedBecause(session, session.settings.qaEnabled, 'Q&A');

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!question.trim()) return ask.fail('Write your question first.');
    const asked = await ask.run(() => connected(room).request('qa:ask', { sessionId: session.id, question, anonymous: anonymous }));
    if (asked) setQuestion('');
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="class-form">
      <label htmlFor={`${id}-q`}>Your question</label>
      <textarea
        id={`${id}-q`}
        rows={2}
        maxLength={1000}
        value={question}
        onChange={(e) => setQuestion(e.target.value)}
        aria-describedby={closedNote ? `${id}-note` : undefined}
      />
      {closedNote && (
        <p id={`${id}-note`} className="muted">
          {closedNote}
        </p>
      )}
      <div className="class-row">
        {allowAnonymous && (
          <label className="inline">
            <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.target.checked)} />
            Ask anonymously
          </label>
        )}
        <button type="submit" disabled={ask.pending || closedNote !== null}>
          Ask
        </button>
      </div>
      <ActionError error={ask.error} />
    </form>
  );
}
