import { useQuery } from '@tanstack/react-query';
import type { ListedQuestion } from '../../../src/qa/qa.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { api } from '../lib/api.ts';
import type { Classroom } from '../lib/classroom.ts';
import { keys } from '../lib/queries.ts';
import { ActionError, ClassTime, connected, useAction } from './class-action.tsx';

/**
 * The mentors' review queue (session setting reviewQuestions): questions nobody else sees until approved. The room
 * hears only how many wait (qa:queue), which rereads this list; oldest first.
 */
export function ClassQaReview({ session, pending, room }: { session: SessionDto; pending: number; room: Classroom | null }) {
  const reviewing = session.settings.reviewQuestions;
  const read = useQuery({
    queryKey: keys.qaReview(session.id),
    queryFn: () => api<{ items: ListedQuestion[] }>('GET', `/api/live-sessions/${session.id}/qa?status=pending&sort=votes&limit=100`),
    enabled: reviewing || pending > 0,
  });
  const items = read.data?.items ?? [];
  if (!reviewing && items.length === 0) return null;

  return (
    <section aria-labelledby="class-qa-review-h" className="class-qa-review">
      <h3 id="class-qa-review-h">
        Review queue <span className="class-votes">({items.length})</span>
      </h3>
      {read.error && (
        <p role="alert" className="error">
          {read.error.message}
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted">No questions waiting. New questions appear here first; nobody else sees them until you approve.</p>
      ) : (
        <ol className="class-list" aria-label="Questions waiting for review">
          {items.map((q) => (
            <ReviewItem key={q.id} question={q} room={room} />
          ))}
        </ol>
      )}
    </section>
  );
}

function ReviewItem({ question: q, room }: { question: ListedQuestion; room: Classroom | null }) {
  const action = useAction();
  return (
    <li className="class-item class-question-pending">
      <p className="class-meta">
        <strong>{q.author ? q.author.name : 'Anonymous'}</strong>
        <ClassTime at={q.createdAt} />
      </p>
      <p className="class-text">{q.question}</p>
      <div className="class-row">
        <button
          type="button"
          className="class-small"
          disabled={action.pending}
          onClick={() => void action.run(() => connected(room).request('qa:approve', { qaId: q.id }))}
        >
          Approve
        </button>
        <button
          type="button"
          className="secondary class-small"
          disabled={action.pending}
          onClick={() => void action.run(() => connected(room).request('qa:reject', { qaId: q.id }))}
        >
          Reject
        </button>
      </div>
      <ActionError error={action.error} />
    </li>
  );
}
