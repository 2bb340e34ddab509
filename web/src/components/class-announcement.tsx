import { type FormEvent, useId, useState } from 'react';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import type { Classroom } from '../lib/classroom.ts';
import { ActionError, ClassTime, connected, useAction } from './class-action.tsx';

const MAX = 500;

/**
 * The mentor's pinned announcement, above the chat for everyone (a polite live region: a new one is read out without
 * moving focus), and for course managers the editor to pin, change or take it down.
 */
export function ClassAnnouncement({
  session,
  room,
  manages,
  label = 'Announcement',
}: {
  session: SessionDto;
  room: Classroom | null;
  manages: boolean;
  /** What the pinned text is called (in a breakout room, the mentors' message to every room). */
  label?: string;
}) {
  const announcement = session.announcement;
  const open = session.status === 'scheduled' || session.status === 'live';
  return (
    <>
      <div aria-live="polite" className="class-announcement-region">
        {announcement && (
          <section aria-label="Announcement" className="class-announcement">
            <p className="class-announcement-text">
              <strong>{label}:</strong> {announcement.text}
            </p>
            <p className="class-meta muted">
              Pinned at <ClassTime at={announcement.setAt} />
            </p>
          </section>
        )}
      </div>
      {manages && open && <AnnouncementEditor session={session} room={room} />}
    </>
  );
}

function AnnouncementEditor({ session, room }: { session: SessionDto; room: Classroom | null }) {
  const action = useAction();
  const [text, setText] = useState('');
  const [editing, setEditing] = useState(false);
  const id = useId();
  const current = session.announcement;
  const set = (value: string | null) =>
    action.run(async () => {
      await connected(room).request('announcement:set', { sessionId: session.id, text: value });
      setEditing(false);
      setText('');
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() === '') return action.fail('Write the announcement first.');
    void set(text);
  };

  if (!editing) {
    return (
      <div className="class-announcement-tools">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setText(current?.text ?? '');
            setEditing(true);
          }}
        >
          {current ? 'Edit announcement' : 'Pin an announcement'}
        </button>{' '}
        {current && (
          <button type="button" className="secondary" disabled={action.pending} onClick={() => void set(null)}>
            Take it down
          </button>
        )}
        <ActionError error={action.error} />
      </div>
    );
  }
  return (
    <form className="class-announcement-form" onSubmit={submit}>
      <label htmlFor={id}>Announcement for everyone (shown above the chat)</label>
      <textarea id={id} rows={2} maxLength={MAX} value={text} onChange={(e) => setText(e.target.value)} />
      <p className="muted class-meta">
        {text.length}/{MAX}
      </p>
      <button type="submit" disabled={action.pending}>
        Pin
      </button>{' '}
      <button type="button" className="secondary" onClick={() => setEditing(false)}>
        Cancel
      </button>
      <ActionError error={action.error} />
    </form>
  );
}
