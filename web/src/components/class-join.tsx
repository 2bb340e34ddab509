import { useState } from 'react';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { api } from '../lib/api.ts';
import { ActionError, useAction } from './class-action.tsx';

interface JoinReply {
  sessionId: string;
  joinedAt: string;
  meeting: SessionDto['meeting'];
}

/**
 * "Join meeting": records attendance (POST …/join) and opens the link the reply carries. The link always comes from
 * the join reply, never from the session, because students only get it there and JWT-secured Jitsi links are personal.
 */
export function ClassJoin({ session, manages, label = 'Join meeting' }: { session: SessionDto; manages: boolean; label?: string }) {
  const action = useAction();
  const [opened, setOpened] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const ended = session.status === 'completed' || session.status === 'cancelled';
  const { status, error } = session.meeting;

  async function join() {
    setWaiting(false);
    const reply = await action.run(() => api<JoinReply>('POST', `/api/live-sessions/${session.id}/join`));
    if (!reply) return;
    if (!reply.meeting.url) {
      setWaiting(true);
      return;
    }
    setOpened(reply.meeting.url);
    window.open(reply.meeting.url, '_blank', 'noopener,noreferrer');
  }

  let note: string | null = null;
  if (session.status === 'completed') note = 'This class has ended.';
  else if (session.status === 'cancelled') note = 'This class was cancelled.';
  else if (status === 'pending' || (waiting && status !== 'ready')) note = 'The meeting link is being prepared…';
  else if (status === 'failed')
    note = manages
      ? `The meeting link could not be made: ${error ?? 'unknown error'}`
      : 'The meeting link could not be made; your mentor can fix it.';

  return (
    <div className="class-join">
      {/* An ended class has no meeting to join: the note says so, rather than the page's biggest button greyed out. */}
      {!ended && (
        <button type="button" className="class-join-button" onClick={() => void join()} disabled={status !== 'ready' || action.pending}>
          {label}
        </button>
      )}
      {note && <p className={status === 'failed' && !ended ? 'error' : 'muted'}>{note}</p>}
      {manages && status === 'pending' && error && <p className="muted">Last attempt: {error}</p>}
      {opened && !ended && (
        // Some browsers block a tab opened after an await; the link is the fallback.
        <p className="muted">
          The meeting opened in a new tab. If it did not,{' '}
          <a href={opened} target="_blank" rel="noopener noreferrer">
            open the meeting link
          </a>
          .
        </p>
      )}
      <ActionError error={action.error} />
    </div>
  );
}
