import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useId, useState } from 'react';
import type { GradeSettingsInput } from '../../../src/lti/lti.ags.schemas.ts';
import { api, ApiError } from '../lib/api.ts';
import { keys, type LtiGradeSettings, ltiGradesQuery } from '../lib/queries.ts';
import { formatDateTime } from './schedule-when.tsx';
import { FormError } from './form-error.tsx';

type Attendance = GradeSettingsInput['attendance'];

const ATTENDANCE_CHOICES: { value: Attendance; label: string }[] = [
  { value: 'off', label: 'Off' },
  { value: 'percent', label: 'Percent of the class' },
  { value: 'status', label: 'Status (present or late = 1)' },
];

/** What each attendance choice sends, for the sentence under the form. */
const ATTENDANCE_SENT: Record<Exclude<Attendance, 'off'>, string> = {
  percent: 'each student’s percent of the class (out of 100)',
  status: 'each student’s attendance: 1 when present or late, 0 when partial or absent',
};

/** The gradebook column's name as the LMS will show it; the class title is only known per class. */
function column(kind: string): ReactNode {
  return (
    <>
      “<em>class title</em> — {kind}”
    </>
  );
}

/** The form's choices in plain words: what reaches the LMS gradebook after each class. */
function WhatHappens({ attendance, quizzes }: GradeSettingsInput) {
  if (attendance === 'off' && !quizzes) return <>Nothing is sent to the LMS gradebook.</>;
  return (
    <>
      {attendance !== 'off' && (
        <>
          After each class, {ATTENDANCE_SENT[attendance]} is sent to the LMS gradebook as a column named {column('attendance')}, with their
          status as the comment.{' '}
        </>
      )}
      {quizzes && (
        <>
          After each class with a quiz, each student’s right answers out of the quizzes asked are sent as a column named {column('quiz')}.{' '}
        </>
      )}
      A change applies to the classes that end after it is saved; students the LMS does not know are skipped.
    </>
  );
}

function GradesForm({ courseId, saved }: { courseId: string; saved: LtiGradeSettings }) {
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<GradeSettingsInput>({ attendance: saved.attendance, quizzes: saved.quizzes });
  const id = useId();
  const save = useMutation({
    mutationFn: (input: GradeSettingsInput) =>
      api<LtiGradeSettings>('PUT', `/api/courses/${encodeURIComponent(courseId)}/lti-grades`, input),
    onSuccess: (next) => queryClient.setQueryData(keys.ltiGrades(courseId), next),
  });
  const error = save.error instanceof ApiError ? save.error : null;
  const unsaved = choice.attendance !== saved.attendance || choice.quizzes !== saved.quizzes;
  // A new choice makes the last answer (saved, or refused) stale: clear it rather than show it beside the new choice.
  const change = (next: Partial<GradeSettingsInput>) => {
    save.reset();
    setChoice((c) => ({ ...c, ...next }));
  };
  return (
    <form
      className="sched-form"
      aria-labelledby="lti-grades-setting-h"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(choice);
      }}
    >
      <fieldset className="sched-scope sched-wide">
        <legend>Attendance</legend>
        {ATTENDANCE_CHOICES.map(({ value, label }) => (
          <label key={value} className="inline">
            <input
              type="radio"
              name={`${id}-attendance`}
              value={value}
              checked={choice.attendance === value}
              onChange={() => change({ attendance: value })}
            />
            {label}
          </label>
        ))}
      </fieldset>
      <div className="sched-field sched-wide">
        <label className="inline">
          <input type="checkbox" checked={choice.quizzes} onChange={(e) => change({ quizzes: e.target.checked })} />
          Quiz scores
        </label>
      </div>
      <p id={`${id}-what`} className="sched-hint sched-wide">
        <WhatHappens {...choice} />
      </p>
      <div className="sched-actions sched-wide">
        <button type="submit" disabled={save.isPending} aria-describedby={`${id}-what`}>
          Save
        </button>
        <p role="status" className="muted">
          {save.isSuccess
            ? 'Saved. Classes that end from now on are sent this way.'
            : unsaved
              ? 'Not saved yet.'
              : saved.updatedAt
                ? `Last saved ${formatDateTime(saved.updatedAt)}.`
                : 'Nothing is sent (the default).'}
        </p>
      </div>
      <FormError error={error} />
    </form>
  );
}

/**
 * What the course sends to its LMS gradebook after each class (GET/PUT …/lti-grades, LTI AGS), for its mentors and
 * admins. Nothing shows where it cannot apply: for a course whose LMS did not offer grades at its launch, and for
 * anyone the server does not let read the setting.
 */
export function CourseLtiGrades({ courseId }: { courseId: string }) {
  const read = useQuery(ltiGradesQuery(courseId));
  if (read.error instanceof ApiError && (read.error.status === 403 || read.error.status === 404)) return null;
  if (read.data && !read.data.available) return null;
  if (read.isPending) return null;
  return (
    <section aria-labelledby="lti-grades-setting-h" className="panel report-section report-rules">
      <h2 id="lti-grades-setting-h">Grades to the LMS</h2>
      {read.error && (
        <p role="alert" className="error">
          {read.error.message}
        </p>
      )}
      {read.data && <GradesForm key={courseId} courseId={courseId} saved={read.data} />}
    </section>
  );
}
