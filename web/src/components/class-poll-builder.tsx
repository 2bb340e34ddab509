import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { z } from 'zod';
import { createPollBody, MAX_OPTIONS, type PollDto, type PollType } from '../../../src/polls/polls.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import type { Classroom } from '../lib/classroom.ts';
import { ActionError, connected, toApiError, useAction } from './class-action.tsx';

type Errors = Record<string, string>;

/** Fields whose errors show beside a control; a server error on any other field is shown as a whole. */
const SHOWN_BESIDE = /^(question|options(\.\d+)?|correctOption)$/;

const blank = {
  question: '',
  type: 'single' as PollType,
  options: ['', ''],
  visibility: 'live' as 'live' | 'afterClose',
  anonymous: false,
  quiz: false,
  correct: 0,
  /** Seconds, or '' for no timer. */
  duration: '',
};

/** Timers a mentor picks from (the server takes any 10–3600 s). */
const DURATIONS = [
  ['', 'No timer (close it yourself)'],
  ['20', '20 seconds'],
  ['30', '30 seconds'],
  ['60', '1 minute'],
  ['120', '2 minutes'],
  ['300', '5 minutes'],
] as const;

/** zod's wording is for developers; these read as advice beside a field. */
function friendly(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' && issue.origin === 'string')
    return issue.minimum === 1 ? 'Cannot be empty.' : `At least ${issue.minimum} characters.`;
  if (issue.code === 'too_big' && issue.origin === 'string') return `At most ${issue.maximum} characters.`;
  if (issue.code === 'too_big' && issue.origin === 'array') return `At most ${issue.maximum} options.`;
  return `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}.`;
}

/**
 * A poll of any type, checked with the server's own schema so each problem shows beside its field before sending;
 * what only the server can judge (class not live, polls off) comes back through the ack and shows the same way.
 */
export function ClassPollBuilder({
  session,
  room,
  onCreated,
  draftOnly = false,
}: {
  session: SessionDto;
  room: Classroom | null;
  onCreated: (poll: PollDto) => void;
  /** Before class: polls can only be prepared, to launch later. */
  draftOnly?: boolean;
}) {
  const [form, setForm] = useState(blank);
  const [errors, setErrors] = useState<Errors>({});
  const create = useAction();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const choiceType = form.type === 'single' || form.type === 'multiple';
  const quiz = form.type === 'single' && form.quiz;
  const set = (patch: Partial<typeof blank>) => setForm((f) => ({ ...f, ...patch }));
  const fieldId = (field: string) => `${id}-${field.replace('.', '-')}`;

  // Move focus to the first field at fault, so keyboard and screen-reader users land on its message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a new set of errors arrives; they are the trigger, read from the DOM.
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  async function submit(e: FormEvent | null, draft = draftOnly) {
    e?.preventDefault();
    const body = {
      ...(draft && { draft: true }),
      ...(form.duration && { durationSeconds: Number(form.duration) }),
      question: form.question,
      type: form.type,
      ...(choiceType && { options: form.options }),
      ...(quiz && { correctOption: form.correct }),
      resultsVisibility: form.visibility,
      anonymous: form.anonymous,
    };
    const parsed = createPollBody.safeParse(body);
    if (!parsed.success) {
      const found: Errors = {};
      for (const issue of parsed.error.issues) found[issue.path.join('.')] ??= friendly(issue);
      return setErrors(found);
    }
    setErrors({});
    const poll = await create.run(async () => {
      try {
        return await connected(room).request('poll:create', { sessionId: session.id, ...parsed.data });
      } catch (err) {
        const apiError = toApiError(err);
        if (apiError.details.length) setErrors(Object.fromEntries(apiError.details.map((d) => [d.field, `${d.message}.`])));
        throw apiError;
      }
    });
    if (!poll) return;
    onCreated(poll);
    setForm(blank);
  }

  // Props that tie a control to its error message, when it has one.
  const describe = (field: string) => (errors[field] ? { 'aria-invalid': true, 'aria-describedby': `${fieldId(field)}-error` } : {});
  const fieldError = (field: string) =>
    errors[field] ? (
      <p id={`${fieldId(field)}-error`} className="field-error">
        {errors[field]}
      </p>
    ) : null;

  return (
    <details className="class-builder" open>
      <summary>{draftOnly ? 'Prepare a poll' : 'New poll'}</summary>
      <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate className="class-form">
        <label htmlFor={fieldId('question')}>Poll question</label>
        <input
          id={fieldId('question')}
          maxLength={500}
          value={form.question}
          onChange={(e) => set({ question: e.target.value })}
          {...describe('question')}
        />
        {fieldError('question')}

        <label htmlFor={fieldId('type')}>Poll type</label>
        <select id={fieldId('type')} value={form.type} onChange={(e) => set({ type: e.target.value as PollType })}>
          <option value="single">Single choice</option>
          <option value="multiple">Multiple choice</option>
          <option value="rating">Rating 1–5</option>
          <option value="text">Short text answer</option>
          <option value="wordcloud">Word cloud (up to 3 words each)</option>
        </select>

        {choiceType && (
          <fieldset className="class-options">
            <legend>Options (2–{MAX_OPTIONS})</legend>
            <ol>
              {form.options.map((option, i) => (
                <li key={i}>
                  <label htmlFor={fieldId(`options.${i}`)} id={`${fieldId(`options.${i}`)}-label`}>
                    Option {i + 1}
                  </label>
                  <div className="class-row class-option-row">
                    <input
                      id={fieldId(`options.${i}`)}
                      maxLength={200}
                      value={option}
                      onChange={(e) => set({ options: form.options.map((o, j) => (j === i ? e.target.value : o)) })}
                      {...describe(`options.${i}`)}
                    />
                    <button
                      type="button"
                      className="secondary class-small"
                      aria-describedby={`${fieldId(`options.${i}`)}-label`}
                      disabled={form.options.length <= 2}
                      onClick={() =>
                        set({
                          options: form.options.filter((_, j) => j !== i),
                          correct: form.correct === i ? 0 : form.correct > i ? form.correct - 1 : form.correct,
                        })
                      }
                    >
                      Remove
                    </button>
                  </div>
                  {fieldError(`options.${i}`)}
                </li>
              ))}
            </ol>
            {fieldError('options')}
            <button
              type="button"
              className="secondary class-small"
              disabled={form.options.length >= MAX_OPTIONS}
              onClick={() => set({ options: [...form.options, ''] })}
            >
              Add option
            </button>
          </fieldset>
        )}

        <label htmlFor={fieldId('visibility')}>Results</label>
        <select
          id={fieldId('visibility')}
          value={form.visibility}
          onChange={(e) => set({ visibility: e.target.value as 'live' | 'afterClose' })}
        >
          <option value="live">Live, as votes arrive</option>
          <option value="afterClose">After the poll closes</option>
        </select>

        <label htmlFor={fieldId('duration')}>Timer</label>
        <select id={fieldId('duration')} value={form.duration} onChange={(e) => set({ duration: e.target.value })}>
          {DURATIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>

        <div className="class-row">
          <label className="inline">
            <input type="checkbox" checked={form.anonymous} onChange={(e) => set({ anonymous: e.target.checked })} />
            Anonymous
          </label>
          {form.type === 'single' && (
            <label className="inline">
              <input type="checkbox" checked={form.quiz} onChange={(e) => set({ quiz: e.target.checked })} />
              Quiz
            </label>
          )}
        </div>
        {quiz && (
          <>
            <label htmlFor={fieldId('correctOption')}>Correct option</label>
            <select
              id={fieldId('correctOption')}
              value={form.correct}
              onChange={(e) => set({ correct: Number(e.target.value) })}
              {...describe('correctOption')}
            >
              {form.options.map((o, i) => (
                <option key={i} value={i}>
                  {`${i + 1}. ${o.trim() || '(empty)'}`}
                </option>
              ))}
            </select>
            {fieldError('correctOption')}
          </>
        )}

        <div className="class-row">
          <button type="submit" disabled={create.pending}>
            {draftOnly ? 'Save as draft' : 'Create poll'}
          </button>
          {!draftOnly && (
            <button type="button" className="secondary" disabled={create.pending} onClick={() => void submit(null, true)}>
              Save as draft
            </button>
          )}
        </div>
        {Object.keys(errors).length > 0 && (
          <p role="alert" className="error">
            Fix the fields marked above.
          </p>
        )}
        <ActionError
          error={create.error?.details.length && create.error.details.every((d) => SHOWN_BESIDE.test(d.field)) ? null : create.error}
        />
      </form>
    </details>
  );
}
