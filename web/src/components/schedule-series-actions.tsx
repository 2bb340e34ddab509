import { useId, useRef, useState } from 'react';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { api, ApiError } from '../lib/api.ts';
import { describeSeriesChange, type Scope, type SeriesPlace, scopeCount } from '../lib/series-change.ts';
import { ScheduleSeriesForm } from './schedule-series-form.tsx';
import { ScheduleSessionForm } from './schedule-session-form.tsx';

const classes = (n: number) => (n === 1 ? '1 class' : `${n} classes`);

/** "This class" or "This and following (N classes)": the choice every change of a series class starts with. */
function ScopeChoice({ legend, scope, onScope, place }: { legend: string; scope: Scope; onScope: (s: Scope) => void; place: SeriesPlace }) {
  const name = useId();
  return (
    <fieldset className="sched-scope">
      <legend>{legend}</legend>
      <label className="sched-choice">
        <input type="radio" name={name} checked={scope === 'one'} onChange={() => onScope('one')} />
        This class
      </label>
      <label className="sched-choice">
        <input type="radio" name={name} checked={scope === 'following'} onChange={() => onScope('following')} />
        This and following ({classes(place.following)})
      </label>
    </fieldset>
  );
}

/**
 * A mentor's actions on a scheduled class of a series: edit or cancel this class, or it and every later one. Each
 * opens a choice of scope below the class, and the button that acts names how many classes it changes.
 */
export function ScheduleSeriesActions({
  session,
  place,
  titleId,
  onChanged,
  onCancelled,
}: {
  session: SessionDto & { seriesId: string };
  place: SeriesPlace;
  titleId: string;
  onChanged: (message: string, saved?: SessionDto[]) => void;
  onCancelled: (message: string, saved?: SessionDto[]) => void;
}) {
  const [open, setOpen] = useState<'edit' | 'cancel' | null>(null);
  const [scope, setScope] = useState<Scope>('one');
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const count = scopeCount(scope, place);

  function toggle(which: 'edit' | 'cancel') {
    setError(null);
    setScope('one');
    setOpen(open === which ? null : which);
  }

  function close(focus: 'edit' | 'cancel') {
    setOpen(null);
    (focus === 'edit' ? editButton : cancelButton).current?.focus();
  }

  async function cancelClasses() {
    if (busy.current) return;
    busy.current = true;
    setError(null);
    try {
      const reply = await api<{ sessions: SessionDto[]; skipped: { status: string }[] }>(
        'POST',
        `/api/live-sessions/series/${encodeURIComponent(session.seriesId)}/cancel`,
        { fromSessionId: session.id, scope },
      );
      setOpen(null);
      onCancelled(describeSeriesChange('cancelled', session.title, reply), reply.sessions);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      busy.current = false;
    }
  }

  return (
    <>
      <div className="sched-actions">
        <button
          type="button"
          className="secondary"
          ref={editButton}
          aria-expanded={open === 'edit'}
          aria-describedby={titleId}
          onClick={() => toggle('edit')}
        >
          Edit
        </button>
        <button
          type="button"
          className="secondary"
          ref={cancelButton}
          aria-expanded={open === 'cancel'}
          aria-describedby={titleId}
          onClick={() => toggle('cancel')}
        >
          Cancel…
        </button>
      </div>
      {open === 'cancel' && (
        <div className="sched-scope-panel">
          <ScopeChoice legend="Cancel which classes?" scope={scope} onScope={setScope} place={place} />
          <p className="muted">Nobody will be able to join a cancelled class, and this cannot be undone.</p>
          <div className="sched-actions">
            <button type="button" className="danger" aria-describedby={titleId} onClick={() => void cancelClasses()}>
              Cancel {classes(count)}
            </button>
            <button type="button" className="secondary" onClick={() => close('cancel')}>
              Keep {count === 1 ? 'it' : 'them'}
            </button>
          </div>
        </div>
      )}
      {open === 'edit' && (
        <div className="sched-scope-panel">
          <ScopeChoice legend="Change which classes?" scope={scope} onScope={setScope} place={place} />
          {scope === 'one' ? (
            <ScheduleSessionForm
              mode={{ kind: 'edit', session }}
              onDiscard={() => close('edit')}
              onDone={(saved, all) => {
                close('edit');
                onChanged(`“${saved.title}” was saved.`, all);
              }}
            />
          ) : (
            <ScheduleSeriesForm
              session={session}
              place={place}
              onDiscard={() => close('edit')}
              onDone={(reply) => {
                close('edit');
                onChanged(describeSeriesChange('changed', session.title, reply), reply.sessions);
              }}
            />
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}
