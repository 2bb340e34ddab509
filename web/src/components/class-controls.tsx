import { useState } from 'react';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import type { Classroom } from '../lib/classroom.ts';
import { ActionError, connected, useAction } from './class-action.tsx';

/** Start and end the class (course managers). The room hears session:updated, which moves every screen along. */
export function ClassControls({ session, room }: { session: SessionDto; room: Classroom | null }) {
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const setStatus = (status: 'live' | 'completed') =>
    void action.run(() => connected(room).request('session:status', { sessionId: session.id, status }));

  if (session.status !== 'scheduled' && session.status !== 'live') return null;
  return (
    <div className="class-controls">
      {session.status === 'scheduled' && (
        <button type="button" disabled={action.pending} onClick={() => setStatus('live')}>
          Start class
        </button>
      )}
      {session.status === 'live' && !confirming && (
        <button type="button" className="danger" disabled={action.pending} onClick={() => setConfirming(true)}>
          End class
        </button>
      )}
      {session.status === 'live' && confirming && (
        // Ending cannot be undone: asked in the page (a dialog would be easy to click through). A group of two
        // buttons and a question, not a form's fieldset (which would bring a form's semantics and frame).
        // biome-ignore lint/a11y/useSemanticElements: see above.
        <div role="group" aria-label="Confirm ending the class">
          <p>End the class for everyone?</p>
          <button type="button" className="danger" disabled={action.pending} onClick={() => setStatus('completed')}>
            Yes, end the class
          </button>{' '}
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            Keep going
          </button>
        </div>
      )}
      {session.status === 'live' && <p className="muted">Ending the class closes open polls and everyone's attendance.</p>}
      <ActionError error={action.error} />
    </div>
  );
}
