import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { createSeriesBody } from '../../../src/sessions/series.schemas.ts';
import { createSessionBody, type SessionDto, updateSessionBody } from '../../../src/sessions/sessions.schemas.ts';
import { api } from '../lib/api.ts';
import { buildRrule, type Repeat, repeatProblems, wallInputToIso, weekdayOfInput } from '../lib/series-rule.ts';
import {
  FIELDS,
  type FieldErrors,
  type FieldName,
  fromIssues,
  fromServer,
  isField,
  LABELS,
  plainMessages,
  REPEAT_FIELDS,
} from './schedule-form-errors.ts';
import { type RepeatErrors, ScheduleRepeatFields } from './schedule-repeat-fields.tsx';
import { isoToLocalInput, localInputToIso, viewerTimeZone } from './schedule-when.tsx';

/** What the inputs hold, as typed; converted to the API's shape only when submitting. */
interface Values {
  title: string;
  description: string;
  start: string;
  duration: string;
}

export type ScheduleFormMode = { kind: 'create'; courseId: string } | { kind: 'edit'; session: SessionDto };

function initialValues(mode: ScheduleFormMode): Values {
  if (mode.kind === 'create') return { title: '', description: '', start: '', duration: '60' };
  const s = mode.session;
  return {
    title: s.title,
    description: s.description ?? '',
    start: isoToLocalInput(s.scheduledStart),
    duration: String(s.durationMinutes),
  };
}

const duration = (v: string) => (v.trim() === '' ? undefined : Number(v));

/** The edit body: only the fields whose input differs from what was loaded, since the API counts every sent field as an edit. */
function changedFields(values: Values, initial: Values): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (values.title !== initial.title) body.title = values.title;
  if (values.description !== initial.description) body.description = values.description.trim() === '' ? null : values.description;
  if (values.start !== initial.start) body.scheduledStart = localInputToIso(values.start);
  if (values.duration !== initial.duration) body.durationMinutes = duration(values.duration);
  return body;
}

const NO_REPEAT: Repeat = { kind: 'none', days: [], end: 'count', count: '10', until: '' };
/** A single class's body: Start is read in the form's time zone, by the same rule the server uses for a series. */
function createInput(values: Values, courseId: string, timezone: string) {
  return {
    courseId,
    title: values.title,
    description: values.description.trim() || undefined,
    scheduledStart: wallInputToIso(values.start, timezone.trim()) ?? values.start,
    durationMinutes: duration(values.duration),
  };
}

/** A series' body: Start is sent as typed, the local first start in `timezone`. */
function seriesInput(values: Values, courseId: string, timezone: string, repeat: Repeat) {
  const { scheduledStart: _, ...rest } = createInput(values, courseId, timezone);
  return { ...rest, rrule: buildRrule(repeat), timezone: timezone.trim(), firstStart: values.start };
}

/**
 * Schedules a session (create) or edits one (only the changed fields are sent). Problems are shown beside their
 * field, from the shared zod schema before sending and from the server's 400 details after; anything else in an alert.
 */
export function ScheduleSessionForm({
  mode,
  labelledBy,
  onDone,
  onDiscard,
}: {
  mode: ScheduleFormMode;
  /** Id of the heading that names the form (create); an edit form is named after its session. */
  labelledBy?: string;
  /** `all`: every class saved (a series' classes in order; the one class otherwise). */
  onDone: (session: SessionDto, all: SessionDto[]) => void;
  onDiscard?: () => void;
}) {
  const id = useId();
  const [initial] = useState(() => initialValues(mode));
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [repeat, setRepeatState] = useState(NO_REPEAT);
  const [timezone, setTimezone] = useState(viewerTimeZone);
  const [repeatErrors, setRepeatErrors] = useState<RepeatErrors>({});
  const busy = useRef(false);
  const [saving, setSaving] = useState(false);
  const fieldId = (f: FieldName) => `${id}-${f}`;

  function show(fieldErrors: FieldErrors, other: string | null, repeatProblems: RepeatErrors = {}) {
    setErrors(fieldErrors);
    setFormError(other);
    setRepeatErrors(repeatProblems);
    // Focus the first field in error: its description carries the message, so a screen reader reads it at once.
    const first = FIELDS.find((f) => fieldErrors[f]) ?? REPEAT_FIELDS.find((f) => repeatProblems[f]);
    if (first) document.getElementById(isField(first) ? fieldId(first) : `${id}-rep-${first}`)?.focus();
  }

  /** Weekly with no day chosen yet starts from the Start's weekday, the day a mentor most likely means. */
  function setRepeat(next: Repeat) {
    const day = weekdayOfInput(values.start);
    setErrors((was) => ({ ...was, scheduledStart: undefined }));
    setRepeatState(next.kind === 'weekly' && repeat.kind !== 'weekly' && next.days.length === 0 && day ? { ...next, days: [day] } : next);
  }

  async function submitCreate(courseId: string) {
    const series = repeat.kind !== 'none';
    const problems = series ? repeatProblems(repeat, values.start, timezone) : {};
    const zoneError = repeatProblems(NO_REPEAT, values.start, timezone).timezone;
    const parsed = series
      ? createSeriesBody.safeParse(seriesInput(values, courseId, timezone, repeat), { error: plainMessages })
      : createSessionBody.safeParse(createInput(values, courseId, timezone), { error: plainMessages });
    const [fieldErrors, other] = parsed.success ? [{}, null] : fromIssues(parsed.error.issues);
    const { start, ...rest } = problems;
    if (start) fieldErrors.scheduledStart ??= start;
    const repeatErrors: RepeatErrors = { ...rest, timezone: zoneError };
    if (!parsed.success || start || Object.values(repeatErrors).some(Boolean)) return show(fieldErrors, other, repeatErrors);
    if (series) {
      const made = await api<{ sessions: SessionDto[] }>('POST', '/api/live-sessions/series', parsed.data);
      const [first] = made.sessions;
      if (first) onDone(first, made.sessions);
    } else {
      const session = await api<SessionDto>('POST', '/api/live-sessions', parsed.data);
      onDone(session, [session]);
    }
    setValues(initial);
    setRepeatState(NO_REPEAT);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy.current) return; // a guard, not a disabled button: disabling the focused button would drop focus
    if (mode.kind === 'create') return void run(() => submitCreate(mode.courseId));
    const changes = mode.kind === 'edit' ? changedFields(values, initial) : {};
    // Saving an untouched form just closes it, rather than scolding with "must change at least one field".
    if (mode.kind === 'edit' && Object.keys(changes).length === 0) return onDiscard?.();
    const parsed = updateSessionBody.safeParse(changes, { error: plainMessages });
    if (!parsed.success) return show(...fromIssues(parsed.error.issues));
    const sessionId = mode.session.id;
    await run(async () => {
      const session = await api<SessionDto>('PUT', `/api/live-sessions/${encodeURIComponent(sessionId)}`, parsed.data);
      onDone(session, [session]);
    });
  }

  /** One request at a time; its failure goes beside the fields it names. */
  async function run(request: () => Promise<void>) {
    busy.current = true;
    setSaving(true);
    show({}, null);
    try {
      await request();
    } catch (err) {
      show(...fromServer(err));
    } finally {
      busy.current = false;
      setSaving(false);
    }
  }

  const set = (key: keyof Values) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    // A new start answers what was said about the old one.
    if (key === 'start') setErrors((was) => ({ ...was, scheduledStart: undefined }));
  };
  // A weekly series' first class must fall on a chosen day: said beside Start as soon as it does not.
  const offRule = mode.kind === 'create' && repeat.kind === 'weekly' ? repeatProblems(repeat, values.start, timezone).start : undefined;
  const shown: FieldErrors = { ...errors, scheduledStart: errors.scheduledStart ?? offRule };
  const describe = (f: FieldName, hint?: boolean) =>
    [hint && `${fieldId(f)}-hint`, shown[f] && `${fieldId(f)}-error`].filter(Boolean).join(' ') || undefined;
  const common = (f: FieldName, hint?: boolean) => ({
    id: fieldId(f),
    'aria-invalid': shown[f] ? true : undefined,
    'aria-describedby': describe(f, hint),
  });

  return (
    <form
      className="sched-form"
      noValidate
      onSubmit={(e) => void submit(e)}
      aria-labelledby={labelledBy}
      aria-label={mode.kind === 'edit' ? `Edit ${mode.session.title}` : undefined}
      aria-busy={saving}
    >
      <Field id={fieldId('title')} field="title" error={errors.title} wide>
        {/* An edit form opens on a click of "Edit": move focus into it rather than leave it on the button. */}
        {/* biome-ignore-start lint/a11y/noAutofocus: only the edit form the user just opened takes focus, never the page on load. */}
        <input
          {...common('title')}
          type="text"
          required
          autoComplete="off"
          autoFocus={mode.kind === 'edit'}
          value={values.title}
          onChange={set('title')}
        />
        {/* biome-ignore-end lint/a11y/noAutofocus: see above */}
      </Field>
      <Field id={fieldId('description')} field="description" error={errors.description} wide>
        <textarea {...common('description')} rows={3} value={values.description} onChange={set('description')} />
      </Field>
      <Field
        id={fieldId('scheduledStart')}
        field="scheduledStart"
        error={shown.scheduledStart}
        hint={
          mode.kind === 'create' ? `Local time in ${timezone.trim() || 'the time zone below'}.` : `In your time zone (${viewerTimeZone()}).`
        }
      >
        <input {...common('scheduledStart', true)} type="datetime-local" required value={values.start} onChange={set('start')} />
      </Field>
      <Field id={fieldId('durationMinutes')} field="durationMinutes" error={errors.durationMinutes} hint="From 1 to 1440.">
        <input
          {...common('durationMinutes', true)}
          type="number"
          inputMode="numeric"
          min={1}
          max={1440}
          step={1}
          required
          value={values.duration}
          onChange={set('duration')}
        />
      </Field>
      {mode.kind === 'create' && (
        <ScheduleRepeatFields
          id={`${id}-rep`}
          repeat={repeat}
          onRepeat={setRepeat}
          timezone={timezone}
          onTimezone={setTimezone}
          firstStart={values.start}
          errors={repeatErrors}
        />
      )}
      {formError && (
        <p role="alert" className="error sched-wide">
          {formError}
        </p>
      )}
      <div className="sched-actions sched-wide">
        <button type="submit">{mode.kind === 'create' ? 'Schedule' : 'Save'}</button>
        {onDiscard && (
          <button type="button" className="secondary" onClick={onDiscard}>
            Discard changes
          </button>
        )}
        {/* Always present: a live region that appears together with its text is often not announced. */}
        <span className="muted" role="status">
          {saving ? 'Saving…' : ''}
        </span>
      </div>
    </form>
  );
}

function Field({
  id,
  field,
  error,
  hint,
  wide,
  children,
}: {
  id: string;
  field: FieldName;
  error?: string;
  hint?: string;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={wide ? 'sched-field sched-wide' : 'sched-field'}>
      <label htmlFor={id}>{LABELS[field]}</label>
      {hint && (
        <p id={`${id}-hint`} className="muted sched-hint">
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
