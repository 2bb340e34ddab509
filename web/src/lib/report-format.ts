import type { AttendanceStatus } from '../../../src/reports/reports.schemas.ts';

/** How the report names each attendance status; the text carries the meaning, colour only echoes it. */
export const STATUS_TEXT: Record<AttendanceStatus, string> = {
  present: 'Present',
  late: 'Late',
  partial: 'Partial',
  absent: 'Absent',
};

export const STATUSES: AttendanceStatus[] = ['present', 'late', 'partial', 'absent'];

const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** A 0–100 rate from the API; null (a rate over nothing) reads as "n/a", never as 0 %. */
export function formatPercent(value: number | null): string {
  return value === null ? 'n/a' : `${oneDecimal.format(value)}%`;
}

export function formatMinutes(value: number): string {
  return `${oneDecimal.format(value)} min`;
}

export function formatNumber(value: number): string {
  return oneDecimal.format(value);
}

/** A time of day in the viewer's zone (the page names the zone once). */
export function formatTime(iso: string): string {
  return timeOfDay.format(new Date(iso));
}

export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** A poll answer as a person reads it: option text for choices, the rating, or the text itself. */
export function describeChoice(choice: unknown, options: string[]): string {
  const option = (i: number) => options[i] ?? `Option ${i + 1}`;
  // Word cloud answers are words, not option indexes.
  if (Array.isArray(choice)) return choice.map((i) => (typeof i === 'string' ? i : option(Number(i)))).join(', ');
  if (typeof choice === 'number') return options.length > 0 ? option(choice) : `${choice} of 5`;
  return String(choice ?? '');
}
