import { useId, useState } from 'react';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { me } from '../lib/auth.ts';
import type { ClassState } from '../lib/class-state.ts';
import type { Classroom } from '../lib/classroom.ts';
import { ActionError, connected, useAction } from './class-action.tsx';

type Hands = ClassState['hands'];

const ordinal = new Intl.PluralRules('en', { type: 'ordinal' });
const SUFFIX: Record<string, string> = { one: 'st', two: 'nd', few: 'rd', other: 'th' };
const nth = (n: number) => `${n}${SUFFIX[ordinal.select(n)] ?? 'th'}`;

/**
 * A student's raise/lower hand toggle, with their place in the queue. The queue (hand:queue) is the truth; the ack
 * shows the change at once, until the next queue arrives.
 */
export function HandToggle({ session, hands, room }: { session: SessionDto; hands: Hands; room: Classroom | null }) {
  const action = useAction();
  const myId = me()?.id;
  // What the last ack said, and the queue it was said against: a newer queue wins.
  const [acked, setAcked] = useState<{ raised: boolean; against: Hands } | null>(null);
  const place = hands.queue.findIndex((h) => h.userId === myId) + 1;
  // Beyond the first 100 the queue does not list me: then only my own ack can tell.
  const fromQueue = place > 0 || (hands.total > hands.queue.length && acked?.raised === true);
  const raised = acked && acked.against === hands ? acked.raised : fromQueue;
  const live = session.status === 'live';
  if (!live && !raised) return null;

  const toggle = () =>
    void action.run(async () => {
      const event = raised ? 'hand:lower' : 'hand:raise';
      const state = await connected(room).request(event, { sessionId: session.id });
      setAcked({ raised: state.raised, against: hands });
    });
  return (
    <div className="class-hand">
      <button
        type="button"
        aria-pressed={raised}
        className={raised ? 'class-hand-up' : 'secondary'}
        disabled={action.pending}
        onClick={toggle}
      >
        <span aria-hidden="true">✋</span> {raised ? 'Lower hand' : 'Raise hand'}
      </button>
      {raised && (
        <span className="muted" aria-live="polite">
          {place > 0 ? `You are ${nth(place)} in the queue.` : 'Your hand is up.'}
        </span>
      )}
      <ActionError error={action.error} />
    </div>
  );
}

/** The mentor's view: raised hands, first raised first, each with Lower, and Lower all. */
export function HandQueue({ session, hands, room }: { session: SessionDto; hands: Hands; room: Classroom | null }) {
  const action = useAction();
  const heading = useId();
  const lower = (userId?: string) =>
    void action.run(async () => {
      if (userId) await connected(room).request('hand:lower', { sessionId: session.id, userId });
      else await connected(room).request('hand:lowerAll', { sessionId: session.id });
    });
  return (
    <section aria-labelledby={heading} className="panel class-section class-hands">
      <h2 id={heading}>
        Raised hands <span className="class-count">{hands.total}</span>
      </h2>
      {hands.total === 0 ? (
        <p className="muted">No hands up. Students raise theirs from the class page; the first raised is listed first.</p>
      ) : (
        <>
          <ol className="class-hand-list">
            {hands.queue.map((h) => (
              <li key={h.userId}>
                <span className="class-hand-name">{h.name}</span>
                <button type="button" className="secondary" disabled={action.pending} onClick={() => lower(h.userId)}>
                  Lower<span className="visually-hidden"> {h.name}'s hand</span>
                </button>
              </li>
            ))}
          </ol>
          {hands.total > hands.queue.length && <p className="muted">and {hands.total - hands.queue.length} more</p>}
          <button type="button" className="secondary" disabled={action.pending} onClick={() => lower()}>
            Lower all hands
          </button>
        </>
      )}
      <ActionError error={action.error} />
    </section>
  );
}
