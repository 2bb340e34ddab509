import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { updateSeriesBody } from '../../../src/sessions/series.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { api, ApiError } from '../lib/api.ts';
import type { SeriesPlace } from '../lib/series-change.ts';
import { isoToWallInput } from '../lib/series-rule.ts';
import { plainMessages } from './schedule-form-errors.ts';

type Field = 'title' | 'description' | 'startTime' | 'durationMinutes';
const LABELS: Record<Field, string> = {
  title: 'Title',
  description: 'Description',
  startTime: 'Start time',
  durationMinutes: 'Duration (minutes)',
};
const FIELDS = Object.keys(LABELS) as Field[];
const isField = (key: unknown): key is Field => typeof key === 'string' && key in LABELS;

export interface SeriesChangeReply {
  sessions: SessionDto[];
  skipped: { id: string; status: string; reason: string }[];
}

/**
 * "This and following": the fields a whole run of classes shares. The start is a local time of day in the series' zone
 * (each class keeps its own day); only changed fields are sent, and the button names how many classes change.
 */
export function ScheduleSeriesForm({
  session,
  place,
  onDone,
  onDiscard,
}: {
  session: SessionDto & { seriesId: string };
  place: SeriesPlace;
  onDone: (reply: SeriesChangeReply) => void;
  onDiscard: () => void;
}) {
  const id = useId();
  const [initial] = useState(() => ({
    title: session.title,
    description: session.description ?? '',
    startTime: isoToWallInput(session.scheduledStart, place.timezone).slice(11),
    durationMinutes: String(session.durationMinutes),
  }));
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const busy = useRef(false);
  const fieldId = (f: Field) => `${id}-${f}`;

  function show(fieldErrors: Partial<Record<Field, string>>, other: string | null) {
    setErrors(fieldErrors);
    setFormError(other);
    const first = FIELDS.find((f) => fieldErrors[f]);
    if (first) document.getElementById(fieldId(first))?.focus();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy.current) return;
    const body: Record<string, unknown> = { fromSessionId: session.id, scope: 'following' };
    if (values.title !== initial.title) body.title = values.title;
    if (values.description !== initial.description) body.description = values.description.trim() === '' ? null : values.description;
    if (values.startTime !== initial.startTime) body.startTime = values.startTime;
    if (values.durationMinutes !== initial.durationMinutes) {
      body.durationMinutes = values.durationMinutes.trim() === '' ? undefined : Number(values.durationMinutes);
    }
    if (Object.keys(body).length === 2) return onDiscard();
    const parsed = updateSeriesBody.safeParse(body, { error: plainMessages });
    if (!parsed.success) {
      const fieldErrors: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if (isField(key)) fieldErrors[key] ??= `${LABELS[key]} ${issue.message}`;
      }
      return show(fieldErrors, Object.keys(fieldErrors).length ? null : (parsed.error.issues[0]?.message ?? null));
    }
    busy.current = true;
    show({}, null);
    try {
      onDone(await api<SeriesChangeReply>('PATCH', `/api/live-sessions/series/${encodeURIComponent(session.seriesId)}`, parsed.data));
    } catch (err) {
      const fieldErrors: Partial<Record<Field, string>> = {};
      if (err instanceof ApiError && err.status === 400) {
        for (const f of FIELDS) {
          const message = err.fieldMessage(f);
          if (message) fieldErrors[f] = `${LABELS[f]} ${message}`;
        }
      }
      show(fieldErrors, Object.keys(fieldErrors).length ? null : err instanceof ApiError ? err.message : String(err));
    } finally {
      busy.current = false;
    }
  }

  const set = (key: Field) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));
  const props = (f: Field, hint?: boolean) => ({
    id: fieldId(f),
    value: values[f],
    onChange: set(f),
    'aria-invalid': errors[f] ? true : undefined,
    'aria-describedby': [hint && `${fieldId(f)}-hint`, errors[f] && `${fieldId(f)}-error`].filter(Boolean).join(' ') || undefined,
  });
  const field = (f: Field, control: ReactNode, hint?: string, wide?: boolean) => (
    <div className={wide ? 'sched-field sched-wide' : 'sched-field'}>
      <label htmlFor={fieldId(f)}>{LABELS[f]}</label>
      {hint && (
        <p id={`${fieldId(f)}-hint`} className="muted sched-hint">
          {hint}
        </p>
      )}
      {control}
      {errors[f] && (
        <p id={`${fieldId(f)}-error`} className="field-error">
          {errors[f]}
        </p>
      )}
    </div>
  );
  const n = place.following;

  return (
    <form className="sched-form" noValidate onSubmit={(e) => void submit(e)} aria-label={`Edit ${session.title} and following`}>
      {field('title', <input {...props('title')} type="text" autoComplete="off" />, undefined, true)}
      {field('description', <textarea {...props('description')} rows={3} />, undefined, true)}
      {field(
        'startTime',
        <input {...props('startTime', true)} type="time" required />,
        `Local time in ${place.timezone}; each class keeps its own day. To move one class to another day, edit this class only.`,
      )}
      {field(
        'durationMinutes',
        <input {...props('durationMinutes', true)} type="number" inputMode="numeric" min={1} max={1440} step={1} />,
        'From 1 to 1440.',
      )}
      {formError && (
        <p role="alert" className="error sched-wide">
          {formError}
        </p>
      )}
      <div className="sched-actions sched-wide">
        <button type="submit">{n === 1 ? 'Save 1 class' : `Save ${n} classes`}</button>
        <button type="button" className="secondary" onClick={onDiscard}>
          Discard changes
        </button>
      </div>
    </form>
  );
}
