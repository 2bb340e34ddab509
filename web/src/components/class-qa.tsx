import { type FormEvent, useId, useState } from 'react';
import type { Question } from '../../../src/qa/qa.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import type { QaLive } from '../lib/class-state.ts';
import type { Classroom } from '../lib/classroom.ts';
import type { Mine } from '../lib/use-classroom.ts';
import { ActionError, closedBecause, connected, useAction } from './class-action.tsx';
import { ClassQaReview } from './class-qa-review.tsx';
import { ClassQuestion } from './class-question.tsx';

type Sort = 'votes' | 'recent';

interface QaProps {
  session: SessionDto;
  questions: Record<string, Question>;
  qaLive: QaLive;
  /** What just happened to one of the viewer's own questions. */
  qaNotice: { id: number; text: string } | null;
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

/**
 * Q&A: ask (optionally anonymously), upvote others' questions; the one being answered now on top, then the open
 * questions, then the answered ones in their own section. Course managers also get the review queue, "answering
 * now" and answer or dismiss on each question.
 */
export function ClassQa({ session, questions, qaLive, qaNotice, room, manages, mine, setMine }: QaProps) {
  const [sort, setSort] = useState<Sort>('votes');
  const id = useId();
  const all = Object.values(questions);
  const answering = qaLive.answering ? questions[qaLive.answering] : undefined;
  const open = sorted(
    all.filter((q) => q.status === 'open' && q.id !== answering?.id),
    sort,
  );
  const answered = sorted(
    all.filter((q) => q.status === 'answered'),
    'recent',
  );
  // My own questions waiting for review: the room never hears them, so they come from my REST read (or my ask).
  const waiting = Object.values(mine.waiting).filter((q) => !questions[q.id] && !qaLive.removed[q.id]);

  const item = (q: Question) => (
    <ClassQuestion
      key={q.id}
      question={q}
      sessionId={session.id}
      room={room}
      manages={manages}
      live={session.status === 'live'}
      mine={mine.asked.has(q.id)}
      answeringNow={q.id === qaLive.answering}
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
  );

  return (
    <section aria-labelledby="class-qa-heading" className="panel class-section">
      <h2 id="class-qa-heading">Questions</h2>
      <p role="status" aria-live="polite" className="class-qa-notice">
        {qaNotice?.text ?? ''}
      </p>
      {!manages && (
        <AskForm
          session={session}
          room={room}
          onAsked={(q) =>
            setMine((m) => ({
              ...m,
              asked: new Set(m.asked).add(q.id),
              waiting: q.status === 'pending' ? { ...m.waiting, [q.id]: q } : m.waiting,
            }))
          }
        />
      )}
      {manages && <ClassQaReview session={session} pending={qaLive.pending} room={room} />}
      {answering && (
        <div className="class-answering">
          <h3>Answering now</h3>
          <ol className="class-list" aria-label="The question being answered now">
            {item(answering)}
          </ol>
        </div>
      )}
      {waiting.length > 0 && (
        <>
          <h3>Waiting for review</h3>
          <p className="muted">Only you and the mentors see these until a mentor approves them.</p>
          <ol className="class-list" aria-label="Your questions waiting for review">
            {waiting.map(item)}
          </ol>
        </>
      )}
      <div className="class-toolbar">
        <h3>Open questions</h3>
        <div>
          <label htmlFor={`${id}-sort`}>Sort by</label>
          <select id={`${id}-sort`} value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="votes">Votes</option>
            <option value="recent">Recent</option>
          </select>
        </div>
      </div>
      {open.length === 0 ? (
        <p className="muted">{manages ? 'No open questions.' : 'No open questions. Ask one above, or upvote one you share.'}</p>
      ) : (
        <ol className="class-list" aria-label={`Open questions, by ${sort === 'votes' ? 'votes' : 'most recent'}`}>
          {open.map(item)}
        </ol>
      )}
      {answered.length > 0 && (
        <>
          <h3>Answered ({answered.length})</h3>
          <ol className="class-list" aria-label="Answered questions, most recent first">
            {answered.map(item)}
          </ol>
        </>
      )}
    </section>
  );
}

function AskForm({ session, room, onAsked }: { session: SessionDto; room: Classroom | null; onAsked: (q: Question) => void }) {
  const [question, setQuestion] = useState('');
  const [anonymous, setAnonymous] = useState(false);
  const ask = useAction();
  const id = useId();
  const allowAnonymous = session.settings.anonymousQuestions;
  const closedNote = closedBecause(session, session.settings.qaEnabled, 'Q&A');
  const note = closedNote ?? (session.settings.reviewQuestions ? 'A mentor reviews questions before everyone sees them.' : null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!question.trim()) return ask.fail('Write your question first.');
    const asked = await ask.run(() => connected(room).request('qa:ask', { sessionId: session.id, question, anonymous: anonymous }));
    if (asked) {
      setQuestion('');
      onAsked(asked);
    }
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
        aria-describedby={note ? `${id}-note` : undefined}
      />
      {note && (
        <p id={`${id}-note`} className="muted">
          {note}
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
