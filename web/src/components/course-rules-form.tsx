import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { AttendanceRules } from '../../../src/reports/reports.schemas.ts';
import { api, ApiError } from '../lib/api.ts';
import { type CourseSettings, courseSettingsQuery, keys } from '../lib/queries.ts';
import { formatDateTime } from './schedule-when.tsx';

const SOURCE_TEXT: Record<AttendanceRules['source'], string> = {
  either: 'Class room or meeting, whichever is longer',
  room: 'Class room only',
  meeting: 'Meeting only (class room when there is no meeting data)',
};

/** The rules in one sentence, for the report pages. */
export function rulesSentence(r: AttendanceRules): string {
  return `Present from ${r.presentPercent}% of the class, late when joining more than ${r.latePresentMinutes} min after the start, absent under ${r.minimumMinutes} min; counting ${SOURCE_TEXT[r.source].toLowerCase()}.`;
}

function NumberField({
  label,
  hint,
  value,
  onChange,
  min,
  max,
  step = 1,
  error,
}: {
  label: string;
  hint: string;
  value: number;
  onChange: (n: number) => void;
  min: number;
  max: number;
  /** `any` where fractions are allowed (minutes); whole numbers otherwise. */
  step?: number | 'any';
  error?: string;
}) {
  const id = useId();
  return (
    <div className="sched-field">
      <label htmlFor={id}>{label}</label>
      <p id={`${id}-hint`} className="sched-hint muted">
        {hint}
      </p>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        step={step}
        value={Number.isNaN(value) ? '' : value}
        aria-describedby={`${id}-hint`}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.valueAsNumber)}
      />
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}

function RulesForm({ courseId, saved }: { courseId: string; saved: CourseSettings }) {
  const queryClient = useQueryClient();
  const [rules, setRules] = useState<AttendanceRules>(saved.attendance);
  const sourceId = useId();
  const save = useMutation({
    mutationFn: (attendance: AttendanceRules) =>
      api<CourseSettings>('PUT', `/api/courses/${encodeURIComponent(courseId)}/settings`, { attendance }),
    onSuccess: (next) => {
      queryClient.setQueryData(keys.courseSettings(courseId), next);
      // Every report of the course is computed with these rules.
      void queryClient.invalidateQueries({ queryKey: ['course', courseId, 'report'] });
      void queryClient.invalidateQueries({ queryKey: ['session'] });
    },
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const set = (field: keyof AttendanceRules) => (n: number) => setRules((r) => ({ ...r, [field]: n }));
  return (
    <form
      className="sched-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(rules);
      }}
    >
      <NumberField
        label="Present from (% of the class)"
        hint="1–100"
        min={1}
        max={100}
        value={rules.presentPercent}
        onChange={set('presentPercent')}
        error={error?.fieldMessage('attendance.presentPercent')}
      />
      <NumberField
        label="Late after (minutes from the start)"
        hint="0–1440"
        min={0}
        max={1440}
        value={rules.latePresentMinutes}
        onChange={set('latePresentMinutes')}
        error={error?.fieldMessage('attendance.latePresentMinutes')}
      />
      <NumberField
        label="Absent under (minutes)"
        hint="Between this and the present share: partial"
        min={0}
        max={1440}
        step="any"
        value={rules.minimumMinutes}
        onChange={set('minimumMinutes')}
        error={error?.fieldMessage('attendance.minimumMinutes')}
      />
      <div className="sched-field">
        <label htmlFor={sourceId}>Time that counts</label>
        <select
          id={sourceId}
          value={rules.source}
          onChange={(e) => setRules((r) => ({ ...r, source: e.target.value as AttendanceRules['source'] }))}
        >
          {Object.entries(SOURCE_TEXT).map(([value, text]) => (
            <option key={value} value={value}>
              {text}
            </option>
          ))}
        </select>
      </div>
      <div className="sched-actions sched-wide">
        <button type="submit" disabled={save.isPending}>
          Save rules
        </button>
        <p role="status" className="muted">
          {save.isSuccess
            ? 'Saved. Reports now use these rules.'
            : saved.updatedAt
              ? `Last saved ${formatDateTime(saved.updatedAt)}.`
              : 'The defaults are in use.'}
        </p>
      </div>
      {error && !error.details.length && (
        <p role="alert" className="error sched-wide">
          {error.message}
        </p>
      )}
    </form>
  );
}

/** The course's attendance rules (GET/PUT …/settings), editable by its mentors. */
export function CourseRules({ courseId }: { courseId: string }) {
  const read = useQuery(courseSettingsQuery(courseId));
  return (
    <section aria-labelledby="rules-h" className="panel report-section report-rules">
      <h2 id="rules-h">Attendance rules</h2>
      {read.isPending && <p className="muted">Loading the rules…</p>}
      {read.error && (
        <p role="alert" className="error">
          {read.error.message}
        </p>
      )}
      {read.data && <RulesForm key={courseId} courseId={courseId} saved={read.data} />}
    </section>
  );
}
