import { useEffect, useState } from 'react';
import type { SessionDto, SessionSettings } from '../../../src/sessions/sessions.schemas.ts';
import { api } from '../lib/api.ts';
import { ActionError, useAction } from './class-action.tsx';

const TOGGLES: { key: keyof SessionSettings; label: string }[] = [
  { key: 'chatEnabled', label: 'Chat' },
  { key: 'qaEnabled', label: 'Q&A' },
  { key: 'pollsEnabled', label: 'Polls' },
  { key: 'anonymousQuestions', label: 'Anonymous questions' },
  { key: 'reviewQuestions', label: 'Review questions before they are shown' },
];

/**
 * The class's switches (course managers). A change shows at once and is kept until the room's session:updated
 * confirms it, so the box neither lags nor flickers back between the reply and the broadcast.
 */
export function ClassSettings({ session }: { session: SessionDto }) {
  const [pending, setPending] = useState<Partial<SessionSettings>>({});
  const action = useAction();
  const shown = { ...session.settings, ...pending };
  // The server refuses to change an ended class: the switches say so instead of failing on click.
  const ended = session.status === 'completed' || session.status === 'cancelled';

  useEffect(() => {
    setPending((p) => {
      const left = Object.entries(p).filter(([k, v]) => session.settings[k as keyof SessionSettings] !== v);
      return left.length === Object.keys(p).length ? p : Object.fromEntries(left);
    });
  }, [session.settings]);

  async function toggle(key: keyof SessionSettings, on: boolean) {
    setPending((p) => ({ ...p, [key]: on }));
    const saved = await action.run(() => api<SessionDto>('PUT', `/api/live-sessions/${session.id}`, { settings: { [key]: on } }));
    if (!saved) {
      setPending(({ [key]: _dropped, ...rest }) => rest);
    }
  }

  return (
    <section aria-labelledby="class-settings-heading" className="panel class-section">
      <h2 id="class-settings-heading">Class settings</h2>
      <fieldset className="class-toggles" disabled={ended} aria-describedby={ended ? 'class-settings-ended' : undefined}>
        <legend className="visually-hidden">Turn features on or off</legend>
        {TOGGLES.map(({ key, label }) => (
          <label key={key} className="inline">
            <input type="checkbox" checked={shown[key]} onChange={(e) => void toggle(key, e.target.checked)} />
            {label}
          </label>
        ))}
      </fieldset>
      {ended && (
        <p id="class-settings-ended" className="muted">
          The class has ended; its settings can no longer change.
        </p>
      )}
      <ActionError error={action.error} />
    </section>
  );
}
