import { type FormEvent, useId, useState } from 'react';
import type { Question } from '../../../src/qa/qa.schemas.ts';
import type { Classroom } from '../lib/classroom.ts';
import { ActionError, ClassTime, connected, useAction } from './class-action.tsx';

interface QuestionProps {
  question: Question;
  room: Classroom | null;
  manages: boolean;
  /** Upvotes and answers need a live class (dismissing does not): off the moment the class ends. */
  live?: boolean;
  upvoted: boolean;
  onUpvoted: (upvoted: boolean) => void;
}

const STATE_LABEL: Record<Question['status'], string> = { open: 'Open', answered: 'Answered', dismissed: 'Dismissed' };

/** One question as a list item, so its buttons can be found by the question's text. */
export function ClassQuestion({ question: q, room, manages, live = true, upvoted, onUpvoted }: QuestionProps) {
  const upvote = useAction();
  const votes = `${q.upvotes} ${q.upvotes === 1 ? 'vote' : 'votes'}`;

  async function toggle() {
    const result = await upvote.run(() => connected(room).request('qa:upvote', { qaId: q.id }));
    if (result) onUpvoted(result.upvoted);
  }

  return (
    <li className={`class-item class-question-${q.status}`}>
      <p className="class-meta">
        <strong>{q.author ? q.author.name : 'Anonymous'}</strong>
        <span className={`class-tag class-state-${q.status}`}>{STATE_LABEL[q.status]}</span>
        <ClassTime at={q.createdAt} />
      </p>
      <p className="class-text">{q.question}</p>
      {q.status === 'answered' && (
        <p className="class-answer">
          <strong>Answer: </strong>
          {q.answer !== undefined ? <span className="class-text">{q.answer}</span> : <span className="muted">answered live</span>}
        </p>
      )}
      <div className="class-row">
        <span className="class-votes">{votes}</span>
        {!manages && (
          <button
            type="button"
            className={upvoted ? 'class-small' : 'secondary class-small'}
            aria-pressed={upvoted}
            disabled={upvote.pending || q.status !== 'open' || !live}
            onClick={() => void toggle()}
          >
            Upvote
          </button>
        )}
      </div>
      <ActionError error={upvote.error} />
      {manages && q.status !== 'dismissed' && <Moderation question={q} room={room} live={live} />}
    </li>
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
          Answer
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
