import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { z } from 'zod';
import { breakoutOpenBody } from '../../../src/breakouts/breakouts.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { breakoutApi } from '../lib/breakout-api.ts';
import { groupSetsQuery } from '../lib/queries.ts';
import { blank, defaultName, type Form, GroupSetField, ModeField, NAMEABLE, NumberField, RoomsField } from './breakout-setup-fields.tsx';
import { ActionError, toApiError, useAction } from './class-action.tsx';

type Errors = Record<string, string>;

/** zod's wording is for developers; these read as advice beside a field. */
function friendly(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' && issue.origin === 'number') return `At least ${issue.minimum}.`;
  if (issue.code === 'too_big' && issue.origin === 'number') return `At most ${issue.maximum}.`;
  if (issue.code === 'invalid_type' && (issue.expected === 'number' || issue.expected === 'int')) return 'Enter a whole number.';
  if (issue.code === 'too_small' && issue.origin === 'string') return 'Cannot be empty.';
  if (issue.code === 'invalid_format') return 'Enter a full link (https://…).';
  return `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}.`;
}

/** The request body the form describes, and the problems only the form can see (the schema checks the rest). */
function bodyOf(form: Form, groups: number | null, pastedLinks: boolean): { body: unknown; errors: Errors } {
  const count = form.count.trim() === '' ? Number.NaN : Number(form.count);
  const names = Array.from({ length: Number.isInteger(count) ? Math.min(count, NAMEABLE) : 0 }, (_, i) => form.names[i] ?? defaultName(i));
  const named = form.naming && form.assignment !== 'groups' && count <= NAMEABLE;
  const links = form.links
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const errors: Errors = {};
  if (form.assignment === 'groups' && !form.groupSetId) errors.groupSetId = 'Pick a group set.';
  if (form.assignment === 'groups' && groups !== null && count < groups) errors.rooms = `At least ${groups}: one room per group.`;
  if (pastedLinks && links.length > 0 && links.length !== count) errors.meetingUrls = `One link per room: ${count} links.`;
  const body = {
    rooms: named ? names.map((n) => n.trim()) : count,
    assignment: form.assignment,
    ...(form.assignment === 'groups' && form.groupSetId && { groupSetId: form.groupSetId }),
    durationMinutes: Number(form.duration),
    ...(form.assignment === 'self-select' && form.capacity.trim() !== '' && { capacity: Number(form.capacity) }),
    // Left empty: the server's default warning (60 seconds).
    ...(form.warning.trim() !== '' && { warningSeconds: Number(form.warning) }),
    ...(pastedLinks && links.length > 0 && { meetingUrls: links }),
  };
  return { body, errors };
}

/**
 * The mentor's form to open a round of breakout rooms in a live class: how many rooms (or their names), who goes
 * where, for how long; checked with the server's own schema before sending, each problem beside its field.
 */
export function BreakoutSetup({ session }: { session: SessionDto }) {
  const [form, setForm] = useState(blank);
  const [errors, setErrors] = useState<Errors>({});
  const open = useAction();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const set = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    // Another way of placing students asks other questions: the last answers' problems no longer apply.
    if (patch.assignment) setErrors({});
  };
  const sets = useQuery({ ...groupSetsQuery(session.courseId), enabled: form.assignment === 'groups' });
  const chosenSet = sets.data?.groupSets.find((s) => s.id === form.groupSetId) ?? null;
  const pastedLinks = session.meeting.provider === 'manual';

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a new set of errors arrives; they are the trigger, read from the DOM.
  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const { body, errors: own } = bodyOf(form, chosenSet?.groups.length ?? null, pastedLinks);
    const parsed = breakoutOpenBody.safeParse(body);
    const found: Errors = { ...own };
    if (!parsed.success) for (const issue of parsed.error.issues) found[String(issue.path[0])] ??= friendly(issue);
    setErrors(found);
    if (!parsed.success || Object.keys(found).length > 0) return;
    await open.run(async () => {
      try {
        return await breakoutApi.open(session.id, parsed.data);
      } catch (err) {
        const apiError = toApiError(err);
        const beside = apiError.details.map((d) => [d.field.replace(/^body\./, '').split('.')[0] ?? d.field, `${d.message}.`]);
        if (beside.length) setErrors(Object.fromEntries(beside));
        throw apiError;
      }
    });
  }

  const field = (name: string) => ({
    id: `${id}-${name}`,
    ...(errors[name] && { 'aria-invalid': true, 'aria-describedby': `${id}-${name}-error` }),
  });
  const fieldError = (name: string) =>
    errors[name] ? (
      <p id={`${id}-${name}-error`} className="field-error">
        {errors[name]}
      </p>
    ) : null;
  const ui = { form, set, field, fieldError, id };

  return (
    <section aria-labelledby={`${id}-heading`} className="panel class-section breakout-setup">
      <h2 id={`${id}-heading`}>Breakout rooms</h2>
      <p className="muted">
        Split the class into rooms, each with its own meeting link, chat and timer. Everyone comes back when they close.
      </p>
      <form ref={formRef} onSubmit={(e) => void submit(e)} noValidate className="class-form">
        <RoomsField {...ui} groupsOwnNames={form.assignment === 'groups'} />
        <ModeField {...ui} />
        {form.assignment === 'groups' && <GroupSetField {...ui} sets={sets} />}
        <div className="breakout-numbers">
          <NumberField {...ui} name="durationMinutes" value="duration" label="Duration (minutes)" />
          {form.assignment === 'self-select' && <NumberField {...ui} name="capacity" value="capacity" label="Places per room (optional)" />}
        </div>
        <details className="breakout-more">
          <summary>More options</summary>
          <NumberField {...ui} name="warningSeconds" value="warning" min={0} label="Warning before the rooms close (seconds)" />
          {pastedLinks && (
            <>
              <label htmlFor={`${id}-meetingUrls`}>Meeting links for the rooms (one per line, in order)</label>
              <textarea rows={3} value={form.links} onChange={(e) => set({ links: e.target.value })} {...field('meetingUrls')} />
              {fieldError('meetingUrls')}
              <p className="muted class-small-text">This class uses a pasted link; without links here the rooms have none.</p>
            </>
          )}
        </details>
        {fieldError('assignments')}
        <button type="submit" disabled={open.pending}>
          Open rooms
        </button>
        <ActionError error={open.error} />
      </form>
    </section>
  );
}
