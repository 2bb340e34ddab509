import { type FormEvent, useId, useState } from 'react';
import type { Question } from '../../../src/qa/qa.schemas.ts';
import type { Classroom } from '../lib/classroom.ts';
import { ActionError, ClassTime, connected, useAction } from './class-action.tsx';

interface QuestionProps {
  question: Question;
  sessionId: string;
  room: Classroom | null;
  manages: boolean;
  /** Upvotes and answers need a live class (dismissing does not): off the moment the class ends. */
  live?: boolean;
  upvoted: boolean;
  onUpvoted: (upvoted: boolean) => void;
  /** The viewer asked it (anonymous or not): labelled, and not theirs to upvote. */
  mine: boolean;
  /** A mentor is answering it now. */
  answeringNow: boolean;
}

const STATE_LABEL: Record<Question['status'], string> = {
  pending: 'Waiting for review',
  open: 'Open',
  answered: 'Answered',
  dismissed: 'Dismissed',
  rejected: 'Not approved',
};

/** One question as a list item, so its buttons can be found by the question's text. */
export function ClassQuestion({
  question: q,
  sessionId,
  room,
  manages,
  live = true,
  upvoted,
  onUpvoted,
  mine,
  answeringNow,
}: QuestionProps) {
  const upvote = useAction();
  const votes = `${q.upvotes} ${q.upvotes === 1 ? 'vote' : 'votes'}`;

  async function toggle() {
    const result = await upvote.run(() => connected(room).request('qa:upvote', { qaId: q.id }));
    if (result) onUpvoted(result.upvoted);
  }

  return (
    <li className={`class-item class-question-${q.status}${answeringNow ? ' class-question-answering' : ''}`}>
      <p className="class-meta">
        <strong>{q.author ? q.author.name : 'Anonymous'}</strong>
        {mine && <span className="class-tag class-mine">Your question</span>}
        <span className={`class-tag class-state-${q.status}`}>{answeringNow ? 'Answering now' : STATE_LABEL[q.status]}</span>
        <ClassTime at={q.createdAt} />
      </p>
      <p className="class-text">{q.question}</p>
      {q.status === 'answered' && (
        <p className="class-answer">
          <strong>Answer: </strong>
          {q.answer !== undefined ? <span className="class-text">{q.answer}</span> : <span className="muted">answered live</span>}
        </p>
      )}
      {q.status !== 'pending' && (
        <div className="class-row">
          <span className="class-votes">{votes}</span>
          {!manages && (
            <button
              type="button"
              className={upvoted ? 'class-small' : 'secondary class-small'}
              aria-pressed={upvoted}
              disabled={upvote.pending || q.status !== 'open' || mine || !live}
              title={mine ? 'You cannot upvote your own question' : undefined}
              onClick={() => void toggle()}
            >
              Upvote
            </button>
          )}
          {manages && live && q.status === 'open' && <Highlight qaId={q.id} sessionId={sessionId} room={room} on={answeringNow} />}
        </div>
      )}
      <ActionError error={upvote.error} />
      {manages && (q.status === 'open' || q.status === 'answered') && <Moderation question={q} room={room} live={live} />}
    </li>
  );
}

/** "Answering now": one question at a time for everyone; pressing it again clears it. */
function Highlight({ qaId, sessionId, room, on }: { qaId: string; sessionId: string; room: Classroom | null; on: boolean }) {
  const action = useAction();
  return (
    <>
      <button
        type="button"
        className="secondary class-small"
        aria-pressed={on}
        title="Show everyone this is the question being answered now"
        disabled={action.pending}
        onClick={() => void action.run(() => connected(room).request('qa:highlight', { sessionId, qaId: on ? null : qaId }))}
      >
        {on ? 'Remove highlight' : 'Highlight'}
      </button>
      <ActionError error={action.error} />
    </>
  );
}

/** Answer (with optional text; answering again replaces it) or dismiss. */
function Moderation({ question: q, room, live }: { question: Question; room: Classroom | null; live: boolean }) {
  const [answer, setAnswer] = useState('');
  const action = useAction();
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const text = answer.trim();
    const done = await action.run(() => connected(room).request('qa:answer', { qaId: q.id, ...(text && { answer: text }) }));
    if (done) setAnswer('');
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="class-form class-moderation">
      <label htmlFor={`${id}-a`}>Written answer (optional)</label>
      <input id={`${id}-a`} maxLength={5000} value={answer} onChange={(e) => setAnswer(e.target.value)} />
      <div className="class-row">
        <button type="submit" className="class-small" disabled={action.pending || !live}>
          {q.status === 'answered' ? 'Answer again' : 'Answer'}
        </button>
        <button
          type="button"
          className="secondary class-small"
          disabled={action.pending}
          onClick={() => void action.run(() => connected(room).request('qa:dismiss', { qaId: q.id }))}
        >
          Dismiss
        </button>
      </div>
      <ActionError error={action.error} />
    </form>
  );
}
