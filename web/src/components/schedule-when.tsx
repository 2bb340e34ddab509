/**
 * Times as the viewer reads them: every instant from the API is UTC, and every time on screen is in the browser's
 * own time zone, named once per page by <ScheduleZoneNote>.
 */

/** The viewer's IANA time zone, e.g. `Europe/Berlin`. */
export const viewerTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** When a session ends as planned: its start plus its duration. */
export function plannedEnd(session: { scheduledStart: string; durationMinutes: number }): string {
  return new Date(Date.parse(session.scheduledStart) + session.durationMinutes * 60_000).toISOString();
}

/** A session's planned start and end; the end repeats the date only when it falls on another local day. */
export function ScheduleWhen({ start, end }: { start: string; end: string }) {
  const sameDay = dateOnly.format(new Date(start)) === dateOnly.format(new Date(end));
  return (
    <span className="sched-when">
      <time dateTime={start}>{formatDateTime(start)}</time>
      {' – '}
      <time dateTime={end}>{sameDay ? timeOnly.format(new Date(end)) : formatDateTime(end)}</time>
    </span>
  );
}

export function ScheduleZoneNote() {
  return <p className="muted">Times are shown in your time zone, {viewerTimeZone()}.</p>;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` of an instant in the viewer's zone (file names, `datetime-local` values). */
export function localDate(d: Date): string {
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** An instant as a `datetime-local` value (`YYYY-MM-DDTHH:mm`) in the viewer's zone, to prefill the edit form. */
export function isoToLocalInput(iso: string): string {
  const d = new Date(iso);
  return `${localDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * A `datetime-local` value read in the viewer's zone, as an ISO instant with that zone's offset at that moment
 * (so a class scheduled across a DST change keeps its wall-clock time). Anything unreadable is returned unchanged
 * so the schema reports it. A time skipped by a DST jump becomes the instant the browser picks (an hour later).
 */
export function localInputToIso(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return value;
  const [y, mo, day, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const d = new Date(2000, 0, 1, h, mi, s);
  d.setFullYear(y, mo - 1, day); // setFullYear, not the constructor: it would read years 0–99 as 1900–1999
  if (Number.isNaN(d.getTime())) return value;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${localDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
