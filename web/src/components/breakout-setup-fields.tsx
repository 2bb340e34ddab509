import type { ReactNode } from 'react';
import type { z } from 'zod';
import { type breakoutOpenBody, MAX_ROOMS } from '../../../src/breakouts/breakouts.schemas.ts';
import type { CourseGroupSets } from '../lib/queries.ts';
import { ActionError, toApiError } from './class-action.tsx';

/** The fields of the breakout setup form (breakout-setup.tsx), each with its label and its error beside it. */

type Assignment = z.infer<typeof breakoutOpenBody>['assignment'];

/** Rooms can be named one by one up to this many; beyond it the number is enough. */
export const NAMEABLE = 30;

const MODES: { value: Assignment; label: string; hint: string }[] = [
  { value: 'random', label: 'Random', hint: 'the students in class now, spread evenly' },
  { value: 'groups', label: 'Groups', hint: "one room per group of a course's group set" },
  { value: 'self-select', label: 'Students choose', hint: 'each picks a room, up to a number of places' },
  { value: 'manual', label: 'I place them', hint: 'from the board, once the rooms are open' },
];

export const blank = {
  count: '2',
  naming: false,
  names: [] as string[],
  assignment: 'random' as Assignment,
  groupSetId: '',
  duration: '15',
  capacity: '',
  warning: '60',
  links: '',
};
export type Form = typeof blank;

export const defaultName = (i: number) => `Room ${i + 1}`;

export interface Ui {
  form: Form;
  set: (patch: Partial<Form>) => void;
  field: (name: string) => { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string };
  fieldError: (name: string) => ReactNode;
  id: string;
}

export function NumberField({
  form,
  set,
  field,
  fieldError,
  name,
  value,
  label,
  min = 1,
}: Ui & { name: string; value: 'duration' | 'capacity' | 'warning'; label: string; min?: number }) {
  return (
    <div>
      <label htmlFor={field(name).id}>{label}</label>
      <input
        type="number"
        inputMode="numeric"
        min={min}
        value={form[value]}
        onChange={(e) => set({ [value]: e.target.value })}
        {...field(name)}
      />
      {fieldError(name)}
    </div>
  );
}

export function RoomsField({ form, set, field, fieldError, id, groupsOwnNames }: Ui & { groupsOwnNames: boolean }) {
  const count = Number(form.count);
  const nameable = !groupsOwnNames && Number.isInteger(count) && count >= 1 && count <= NAMEABLE;
  return (
    <div>
      <label htmlFor={field('rooms').id}>Number of rooms</label>
      <input
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_ROOMS}
        value={form.count}
        onChange={(e) => set({ count: e.target.value })}
        {...field('rooms')}
      />
      {fieldError('rooms')}
      {groupsOwnNames && <p className="muted class-small-text">Rooms take the groups' names; any extra room is "Room N".</p>}
      {nameable && (
        <label className="inline">
          <input type="checkbox" checked={form.naming} onChange={(e) => set({ naming: e.target.checked })} /> Name the rooms
        </label>
      )}
      {nameable && form.naming && (
        <ol className="breakout-names">
          {Array.from({ length: count }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the rooms are positional: room i is the i-th name.
            <li key={i}>
              <label className="visually-hidden" htmlFor={`${id}-name-${i}`}>
                Name of room {i + 1}
              </label>
              <input
                id={`${id}-name-${i}`}
                maxLength={100}
                value={form.names[i] ?? defaultName(i)}
                onChange={(e) => {
                  const names = Array.from({ length: count }, (_, j) => form.names[j] ?? defaultName(j));
                  names[i] = e.target.value;
                  set({ names });
                }}
              />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export function ModeField({ form, set, id }: Ui) {
  return (
    <fieldset className="class-options breakout-modes">
      <legend>Who goes where</legend>
      {MODES.map((m) => (
        <label key={m.value} className="inline class-choice">
          <input type="radio" name={`${id}-mode`} checked={form.assignment === m.value} onChange={() => set({ assignment: m.value })} />
          <span>
            <strong>{m.label}</strong> <span className="muted">— {m.hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

export function GroupSetField({
  form,
  set,
  field,
  fieldError,
  sets,
}: Ui & { sets: { data?: CourseGroupSets; error: unknown; isPending: boolean } }) {
  if (sets.isPending) return <p className="muted">Loading the course's group sets…</p>;
  if (sets.error) return <ActionError error={toApiError(sets.error)} />;
  const list = sets.data?.groupSets ?? [];
  if (list.length === 0) {
    return <p className="muted">This course has no group sets yet. They come from the LMS; until then, pick another way.</p>;
  }
  return (
    <div>
      <label htmlFor={field('groupSetId').id}>Group set</label>
      <select
        value={form.groupSetId}
        onChange={(e) => {
          const chosen = list.find((s) => s.id === e.target.value);
          set({ groupSetId: e.target.value, ...(chosen && { count: String(Math.max(1, chosen.groups.length)) }) });
        }}
        {...field('groupSetId')}
      >
        <option value="">Choose a group set…</option>
        {list.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name} ({s.groups.length} {s.groups.length === 1 ? 'group' : 'groups'})
          </option>
        ))}
      </select>
      {fieldError('groupSetId')}
    </div>
  );
}
