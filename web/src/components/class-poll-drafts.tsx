import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { PollDto } from '../../../src/polls/polls.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { api } from '../lib/api.ts';
import type { Classroom } from '../lib/classroom.ts';
import { keys, pollsQuery } from '../lib/queries.ts';
import { ActionError, connected, useAction } from './class-action.tsx';

/**
 * Polls the mentors prepared (drafts: never sent to students), each launched with one click once the class is live,
 * or deleted. Read over REST: the room's events carry no draft.
 */
export function ClassPollDrafts({ session, room }: { session: SessionDto; room: Classroom | null }) {
  const list = useQuery(pollsQuery(session.id));
  const drafts = (list.data ?? []).filter((p) => p.status === 'draft');
  if (drafts.length === 0) return null;
  return (
    <section aria-labelledby="class-drafts-heading">
      <h3 id="class-drafts-heading">Prepared polls</h3>
      <ul className="class-list">
        {drafts.map((p) => (
          <DraftItem key={p.id} poll={p} session={session} room={room} />
        ))}
      </ul>
    </section>
  );
}

function DraftItem({ poll, session, room }: { poll: PollDto; session: SessionDto; room: Classroom | null }) {
  const queryClient = useQueryClient();
  const action = useAction();
  const live = session.status === 'live';
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.polls(session.id) });
  const timer = poll.durationSeconds ? ` · ${poll.durationSeconds} s timer` : '';
  return (
    <li className="class-item">
      <p className="class-text">{poll.question}</p>
      <p className="muted class-small-text">
        {poll.type}
        {poll.quiz ? ' · quiz' : ''}
        {timer}
      </p>
      <div className="class-row">
        <button
          type="button"
          className="class-small"
          disabled={!live || action.pending}
          aria-label={`Launch: ${poll.question}`}
          onClick={() => void action.run(() => connected(room).request('poll:launch', { pollId: poll.id })).then(refresh)}
        >
          Launch
        </button>
        <button
          type="button"
          className="secondary class-small"
          disabled={action.pending}
          aria-label={`Delete draft: ${poll.question}`}
          onClick={() =>
            void action
              .run(() => api('DELETE', `/api/live-sessions/${encodeURIComponent(session.id)}/polls/${encodeURIComponent(poll.id)}`))
              .then(refresh)
          }
        >
          Delete
        </button>
      </div>
      {!live && <p className="muted class-small-text">Launch it once the class has started.</p>}
      <ActionError error={action.error} />
    </li>
  );
}
