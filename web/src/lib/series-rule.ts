import { formatWallTime, instantOf, isIanaZone, parseWallTime, wallClockOf } from '../../../src/sessions/series-zone.ts';

/**
 * The schedule form's "Repeats" choices, turned into what `POST /api/live-sessions/series` takes (an RRULE, a zone, a
 * local first start) and into a plain preview. Wall times use the server's own zone code (series-zone.ts), so the
 * preview and the single-class path place a local time in a zone exactly as the server does.
 */

export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
/** Monday first, as RFC 5545 and most course timetables read a week. */
export const WEEKDAYS: Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
export const WEEKDAY_NAMES: Record<Weekday, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};
/** Most classes one series may hold (the server's limit). */
export const MAX_CLASSES = 100;

export interface Repeat {
  kind: 'none' | 'weekly' | 'daily';
  days: Weekday[];
  end: 'count' | 'until';
  /** "After N classes", as typed. */
  count: string;
  /** "Until" a local date `YYYY-MM-DD` (the last day a class may fall on). */
  until: string;
}

/** The weekday of a floating wall time (its UTC fields are the local ones). */
export const weekdayOf = (wall: Date): Weekday => WEEKDAYS[(wall.getUTCDay() + 6) % 7] as Weekday;

/** The weekday of a `YYYY-MM-DDTHH:mm` value, or null while it is not a full date and time. */
export function weekdayOfInput(value: string): Weekday | null {
  const wall = parseWallTime(value);
  return wall ? weekdayOf(wall) : null;
}

/** The RRULE line for the choices: `FREQ=WEEKLY;BYDAY=MO,WE;COUNT=12`, or `UNTIL=20270408T235959` (local, no Z). */
export function buildRrule(repeat: Repeat): string {
  const parts = [`FREQ=${repeat.kind === 'daily' ? 'DAILY' : 'WEEKLY'}`];
  if (repeat.kind === 'weekly') parts.push(`BYDAY=${WEEKDAYS.filter((d) => repeat.days.includes(d)).join(',')}`);
  // The end of the chosen day, so a class on that day, whatever its time, is included.
  if (repeat.end === 'until') parts.push(`UNTIL=${repeat.until.replaceAll('-', '')}T235959`);
  else parts.push(`COUNT=${repeat.count.trim()}`);
  return parts.join(';');
}

/** What is wrong with the choices before anything is sent, by the field it belongs beside. */
export function repeatProblems(
  repeat: Repeat,
  firstStart: string,
  timezone: string,
): Partial<Record<'days' | 'end' | 'start' | 'timezone', string>> {
  const problems: Partial<Record<'days' | 'end' | 'start' | 'timezone', string>> = {};
  if (!isIanaZone(timezone.trim())) problems.timezone = 'Time zone must be a zone name such as Europe/Berlin or America/New_York';
  if (repeat.kind === 'weekly' && repeat.days.length === 0) problems.days = 'Choose at least one day';
  const wall = parseWallTime(firstStart);
  if (repeat.kind === 'weekly' && wall && repeat.days.length > 0 && !repeat.days.includes(weekdayOf(wall))) {
    problems.start = `The first class must be on one of the chosen days: this start is a ${WEEKDAY_NAMES[weekdayOf(wall)]}`;
  }
  if (repeat.end === 'count') {
    const n = Number(repeat.count);
    if (!/^\d+$/.test(repeat.count.trim()) || n < 1 || n > MAX_CLASSES) problems.end = `Number of classes must be from 1 to ${MAX_CLASSES}`;
  } else if (!/^\d{4}-\d{2}-\d{2}$/.test(repeat.until)) problems.end = 'Choose the last day';
  else if (wall && repeat.until < firstStart.slice(0, 10)) problems.end = 'The last day cannot be before the first class';
  else if (occurrences(repeat, firstStart).length > MAX_CLASSES)
    problems.end = `That makes more than ${MAX_CLASSES} classes: choose an earlier last day`;
  return problems;
}

/** The local starts the choices make, as floating wall times (at most `MAX_CLASSES + 1`, to tell "too many"). */
export function occurrences(repeat: Repeat, firstStart: string): Date[] {
  const first = parseWallTime(firstStart);
  if (!first || repeat.kind === 'none') return first ? [first] : [];
  const limit = repeat.end === 'count' ? Math.min(Number(repeat.count) || 0, MAX_CLASSES + 1) : MAX_CLASSES + 1;
  const last = repeat.end === 'until' ? parseWallTime(`${repeat.until}T23:59`) : undefined;
  if (repeat.end === 'until' && !last) return [];
  const out: Date[] = [];
  const day = new Date(first);
  // 10 years of days at most: a rule that rarely matches must still end.
  for (let i = 0; out.length < limit && i < 3660; i++, day.setUTCDate(day.getUTCDate() + 1)) {
    if (last && day > last) break;
    if (repeat.kind === 'daily' || repeat.days.includes(weekdayOf(day))) out.push(new Date(day));
  }
  return out;
}

const list = (words: string[]) => new Intl.ListFormat('en', { type: 'conjunction' }).format(words);
const shortDay = (wall: Date) => wall.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/**
 * "12 classes, Mondays and Wednesdays at 18:00 (America/New_York), 2 Mar – 8 Apr 2027", or null when incomplete. The
 * time reads as the list's times do, in the viewer's `locale` (the browser's by default): 18:00 or 6:00 PM.
 */
export function describeRepeat(repeat: Repeat, firstStart: string, timezone: string, locale?: string): string | null {
  const walls = occurrences(repeat, firstStart);
  const first = walls[0];
  const last = walls.at(-1);
  if (!first || !last || repeat.kind === 'none') return null;
  if (walls.length > MAX_CLASSES) return `More than ${MAX_CLASSES} classes: choose an earlier last day.`;
  const days =
    repeat.kind === 'daily' ? 'every day' : list(WEEKDAYS.filter((d) => repeat.days.includes(d)).map((d) => `${WEEKDAY_NAMES[d]}s`));
  // A wall time's UTC fields are the local ones, so it is formatted in UTC.
  const time = new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: 'UTC' }).format(first);
  const from = first.getUTCFullYear() === last.getUTCFullYear() ? shortDay(first) : `${shortDay(first)} ${first.getUTCFullYear()}`;
  const classes = walls.length === 1 ? '1 class' : `${walls.length} classes`;
  return `${classes}, ${days} at ${time} (${timezone}), ${from} – ${shortDay(last)} ${last.getUTCFullYear()}`;
}

/** A `YYYY-MM-DDTHH:mm` local time in `timezone` as an ISO instant, placed as the server places a series' classes. */
export function wallInputToIso(value: string, timezone: string): string | null {
  const wall = parseWallTime(value);
  return wall && isIanaZone(timezone) ? instantOf(wall, timezone).toISOString() : null;
}

/** An instant as `YYYY-MM-DDTHH:mm` in a zone. */
export const isoToWallInput = (iso: string, timezone: string): string => formatWallTime(wallClockOf(new Date(iso), timezone));

/** "Weekly", "Daily", … from a series' RRULE, for the quiet label on its classes. */
export function repeatLabel(rrule: string): string {
  const freq = /FREQ=(\w+)/i.exec(rrule)?.[1]?.toUpperCase();
  const interval = Number(/INTERVAL=(\d+)/i.exec(rrule)?.[1] ?? 1);
  const names: Record<string, [string, string]> = {
    DAILY: ['Daily', 'days'],
    WEEKLY: ['Weekly', 'weeks'],
    MONTHLY: ['Monthly', 'months'],
    YEARLY: ['Yearly', 'years'],
  };
  const [label, unit] = names[freq ?? ''] ?? ['Repeating', ''];
  return interval > 1 && unit ? `Every ${interval} ${unit}` : label;
}
