import { describeRepeat, MAX_CLASSES, type Repeat, WEEKDAY_NAMES, WEEKDAYS, type Weekday } from '../lib/series-rule.ts';

export type RepeatField = 'timezone' | 'repeat' | 'days' | 'end';
export type RepeatErrors = Partial<Record<RepeatField, string>>;

/** The zones the browser knows, for the time zone field's suggestions (older browsers: none, typing still works). */
const zones: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

const invalid = (error?: string) => (error ? true : undefined);

/**
 * The create form's time zone and "Repeats" choices: does not repeat, weekly on chosen days, or daily, ending after a
 * number of classes or on a last day, with a line saying what that makes. Errors sit beside their own control.
 */
export function ScheduleRepeatFields({
  id,
  repeat,
  onRepeat,
  timezone,
  onTimezone,
  firstStart,
  errors,
}: {
  /** Prefix for the controls' ids (`${id}-timezone`, …), so the form can focus the first one in error. */
  id: string;
  repeat: Repeat;
  onRepeat: (repeat: Repeat) => void;
  timezone: string;
  onTimezone: (timezone: string) => void;
  /** The Start input's value, for the preview line. */
  firstStart: string;
  errors: RepeatErrors;
}) {
  const set = (change: Partial<Repeat>) => onRepeat({ ...repeat, ...change });
  const toggle = (day: Weekday, on: boolean) => set({ days: on ? [...repeat.days, day] : repeat.days.filter((d) => d !== day) });
  const preview = describeRepeat(repeat, firstStart, timezone);
  const describedBy = (f: RepeatField, hint?: boolean) =>
    [hint && `${id}-${f}-hint`, errors[f] && `${id}-${f}-error`].filter(Boolean).join(' ') || undefined;
  const error = (f: RepeatField) =>
    errors[f] && (
      <p id={`${id}-${f}-error`} className="field-error">
        {errors[f]}
      </p>
    );

  return (
    <>
      <div className="sched-field">
        <label htmlFor={`${id}-timezone`}>Time zone</label>
        <p id={`${id}-timezone-hint`} className="muted sched-hint">
          The class keeps its local time here, also across daylight-saving changes.
        </p>
        <input
          id={`${id}-timezone`}
          type="text"
          list={`${id}-zones`}
          autoComplete="off"
          spellCheck={false}
          value={timezone}
          onChange={(e) => onTimezone(e.target.value)}
          aria-invalid={invalid(errors.timezone)}
          aria-describedby={describedBy('timezone', true)}
        />
        <datalist id={`${id}-zones`}>
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
        {error('timezone')}
      </div>
      <div className="sched-field">
        <label htmlFor={`${id}-repeat`}>Repeats</label>
        <select
          id={`${id}-repeat`}
          value={repeat.kind}
          onChange={(e) => set({ kind: e.target.value as Repeat['kind'] })}
          aria-invalid={invalid(errors.repeat)}
          aria-describedby={describedBy('repeat')}
        >
          <option value="none">Does not repeat</option>
          <option value="weekly">Weekly on chosen days</option>
          <option value="daily">Daily</option>
        </select>
        {error('repeat')}
      </div>
      {repeat.kind !== 'none' && (
        <div className="sched-wide sched-repeat">
          {repeat.kind === 'weekly' && (
            <fieldset className="sched-days" aria-describedby={describedBy('days')}>
              <legend>On</legend>
              {WEEKDAYS.map((day, i) => (
                <label key={day} className="sched-day">
                  <input
                    type="checkbox"
                    id={i === 0 ? `${id}-days` : undefined}
                    checked={repeat.days.includes(day)}
                    onChange={(e) => toggle(day, e.target.checked)}
                    aria-label={WEEKDAY_NAMES[day]}
                  />
                  <span aria-hidden="true">{WEEKDAY_NAMES[day].slice(0, 3)}</span>
                </label>
              ))}
              {error('days')}
            </fieldset>
          )}
          <fieldset className="sched-end" aria-describedby={describedBy('end')}>
            <legend>Ends</legend>
            {/* Typing in either box chooses it: no need to pick the radio first. */}
            <span className="sched-end-option">
              <label className="sched-choice">
                <input
                  type="radio"
                  name={`${id}-end`}
                  aria-label="After a number of classes"
                  checked={repeat.end === 'count'}
                  onChange={() => set({ end: 'count' })}
                />
                After
              </label>
              <input
                id={repeat.end === 'count' ? `${id}-end` : undefined}
                className="sched-count"
                type="number"
                inputMode="numeric"
                min={1}
                max={MAX_CLASSES}
                aria-label="Number of classes"
                value={repeat.count}
                onChange={(e) => set({ end: 'count', count: e.target.value })}
                aria-invalid={repeat.end === 'count' ? invalid(errors.end) : undefined}
              />
              <span aria-hidden="true">classes</span>
            </span>
            <span className="sched-end-option">
              <label className="sched-choice">
                <input
                  type="radio"
                  name={`${id}-end`}
                  aria-label="On a last day"
                  checked={repeat.end === 'until'}
                  onChange={() => set({ end: 'until' })}
                />
                On
              </label>
              <input
                id={repeat.end === 'until' ? `${id}-end` : undefined}
                type="date"
                aria-label="Last day"
                value={repeat.until}
                onChange={(e) => set({ end: 'until', until: e.target.value })}
                aria-invalid={repeat.end === 'until' ? invalid(errors.end) : undefined}
              />
            </span>
            {error('end')}
          </fieldset>
          {/* Always present: a live region that appears together with its text is often not announced. */}
          <p className="sched-preview" role="status">
            {preview ?? ''}
          </p>
        </div>
      )}
    </>
  );
}
