/** The schedule form's fields and how problems, from the shared schema or the server, find their place beside them. */
import type { z } from 'zod';
import { ApiError } from '../lib/api.ts';
import type { RepeatErrors, RepeatField } from './schedule-repeat-fields.tsx';

export type FieldName = 'title' | 'description' | 'scheduledStart' | 'durationMinutes';
export type FieldErrors = Partial<Record<FieldName, string>>;
export const LABELS: Record<FieldName, string> = {
  title: 'Title',
  description: 'Description',
  scheduledStart: 'Start',
  durationMinutes: 'Duration (minutes)',
};
export const FIELDS = Object.keys(LABELS) as FieldName[];
export const isField = (key: unknown): key is FieldName => typeof key === 'string' && key in LABELS;

/**
 * The schema's built-in checks speak to developers ("Too small: expected string to have >=1 characters"); these say
 * the same to a mentor. The schema's own messages ("must be a real date and time") take precedence over this map.
 */
export const plainMessages: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined || issue.input === '') return 'is required';
  switch (issue.code) {
    case 'too_small':
      return issue.origin === 'string'
        ? issue.minimum === 1
          ? 'is required'
          : `needs at least ${issue.minimum} characters`
        : `must be at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${issue.maximum} characters` : `must be at most ${issue.maximum}`;
    case 'invalid_type':
      return issue.expected === 'number' || issue.expected === 'int' ? 'must be a whole number' : undefined;
    case 'invalid_format':
      return issue.format === 'datetime' ? 'must be a date and time' : undefined;
  }
  return undefined;
};

/** "is required" beside the Title field reads best as "Title is required"; full sentences stay as they are. */
export const sentence = (field: FieldName, message: string) => (/^[a-z]/.test(message) ? `${LABELS[field]} ${message}` : message);

export const REPEAT_FIELDS: RepeatField[] = ['timezone', 'repeat', 'days', 'end'];
/** Where the server's series fields go in this form. */
const SERIES_FIELDS: Record<string, FieldName | RepeatField> = { firstStart: 'scheduledStart', timezone: 'timezone', rrule: 'end' };

/** Schema issues as one message per field (the first), and anything not about a field for the alert. */
export function fromIssues(issues: z.core.$ZodIssue[]): [FieldErrors, string | null] {
  const fieldErrors: FieldErrors = {};
  const other: string[] = [];
  for (const issue of issues) {
    const key = issue.path[0] === 'firstStart' ? 'scheduledStart' : issue.path[0];
    if (isField(key)) fieldErrors[key] ??= sentence(key, issue.message);
    else other.push(issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
  }
  return [fieldErrors, other[0] ?? null];
}

/**
 * A server 400's details (`body.title`) go beside their fields (a series' `firstStart`, `timezone` and `rrule` beside
 * Start, Time zone and Ends); the message goes to the alert unless all were placed.
 */
export function fromServer(err: unknown): [FieldErrors, string | null, RepeatErrors] {
  if (!(err instanceof ApiError)) return [{}, String(err), {}];
  const fieldErrors: FieldErrors = {};
  const repeatErrors: RepeatErrors = {};
  const placeOf = (field: string) => {
    const name = field.replace(/^body\./, '');
    return isField(name) ? name : SERIES_FIELDS[name];
  };
  if (err.status === 400) {
    for (const d of err.details) {
      const place = placeOf(d.field);
      if (place === 'timezone') repeatErrors.timezone ??= `Time zone ${d.message}`;
      else if (place === 'end') repeatErrors.end ??= `The rule ${d.message}`;
      else if (place && isField(place)) fieldErrors[place] ??= sentence(place, d.message);
    }
  }
  const allPlaced = err.status === 400 && err.details.length > 0 && err.details.every((d) => placeOf(d.field));
  return [fieldErrors, allPlaced ? null : err.message, repeatErrors];
}
