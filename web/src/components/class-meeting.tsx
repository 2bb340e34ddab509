import { useState } from 'react';
import { pastedUrl } from '../../../src/meetings/meetings.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { api } from '../lib/api.ts';
import { ActionError, useAction } from './class-action.tsx';

const PROVIDERS: Record<string, string> = { google: 'Google Meet', jitsi: 'Jitsi', manual: 'a pasted link' };

/**
 * The meeting link (course managers): its state, "Try again" for a Google link that is pending or failed, and a pasted
 * link to use instead, so a mentor is never left without a way into the class.
 */
export function ClassMeeting({ session }: { session: SessionDto }) {
  const action = useAction();
  const [url, setUrl] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const { provider, status, error } = session.meeting;
  if (session.status === 'completed' || session.status === 'cancelled') return null;

  async function paste(event: React.FormEvent) {
    event.preventDefault();
    const checked = pastedUrl.safeParse(url.trim());
    setFieldError(checked.success ? null : 'Enter an https link, without a user name or password.');
    if (!checked.success) return;
    const saved = await action.run(() => api<SessionDto>('PUT', `/api/live-sessions/${session.id}/meeting`, { url: checked.data }));
    if (saved) setUrl('');
  }

  return (
    <section aria-labelledby="class-meeting-heading" className="panel class-section">
      <h2 id="class-meeting-heading">Meeting link</h2>
      <p>
        {PROVIDERS[provider] ?? provider}:{' '}
        <strong>{status === 'ready' ? 'ready' : status === 'pending' ? 'being prepared' : 'failed'}</strong>
      </p>
      {error && <p className={status === 'failed' ? 'error' : 'muted'}>{error}</p>}
      {provider === 'google' && status !== 'ready' && (
        <button
          type="button"
          className="secondary"
          disabled={action.pending}
          onClick={() => void action.run(() => api('POST', `/api/live-sessions/${session.id}/meeting/retry`))}
        >
          Try again
        </button>
      )}
      <form onSubmit={(e) => void paste(e)} noValidate>
        <label htmlFor="class-meeting-url">Use another link (https)</label>
        <input
          id="class-meeting-url"
          type="url"
          inputMode="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? 'class-meeting-url-error' : undefined}
        />
        {fieldError && (
          <p id="class-meeting-url-error" className="field-error">
            {fieldError}
          </p>
        )}
        <button type="submit" className="secondary" disabled={action.pending || url.trim() === ''}>
          Use this link
        </button>
      </form>
      <ActionError error={action.error} />
    </section>
  );
}
