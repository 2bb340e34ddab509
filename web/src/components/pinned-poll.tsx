import type { PollDto } from '../../../src/polls/polls.schemas.ts';

/**
 * The open poll the viewer has not answered, pinned at the top of the class on every screen size, so a student on a
 * phone does not have to find it two screens down. "Answer now" takes them to it.
 */
export function PinnedPoll({ polls, answered, onGo }: { polls: PollDto[]; answered: (id: string) => boolean; onGo: () => void }) {
  const poll = polls.filter((p) => p.status === 'open' && !answered(p.id)).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (!poll) return null;
  return (
    <section className="class-pinned" aria-label="Open poll">
      <p>
        <strong>{poll.quiz ? 'Quiz open:' : 'Poll open:'}</strong> {poll.question}
      </p>
      <button type="button" onClick={onGo}>
        Answer now
      </button>
    </section>
  );
}
