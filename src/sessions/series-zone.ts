/**
 * Wall-clock time in an IANA time zone, on the platform's own zone data (Intl), so a series keeps "Mondays at 18:00"
 * across daylight-saving changes without a date library. A wall time is held as a Date whose UTC fields are the
 * local fields ("floating"), the form rrule computes in.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Whether `name` is an IANA zone this platform knows ("Europe/Berlin", "UTC"). Offsets such as "+02:00", which Intl
 * also accepts, are refused: they have no daylight-saving rules, so they cannot keep a wall-clock time.
 */
export function isIanaZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name) || name.length > 64) return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time an instant shows in a zone, as a floating Date (its UTC fields are the local ones). */
export function wallClockOf(instant: Date, timeZone: string): Date {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

/** The zone's offset from UTC at an instant, in milliseconds (Berlin in summer: +2 h). */
function offsetAt(instant: number, timeZone: string): number {
  const whole = instant - (instant % 1000);
  return wallClockOf(new Date(whole), timeZone).getTime() - whole;
}

/** The instants (0, 1 or 2, earliest first) at which a zone's clocks show a floating wall-clock time. */
function occurrencesOf(wall: Date, timeZone: string): number[] {
  const local = wall.getTime();
  // The offsets a day either side bracket any transition near this time.
  const offsets = new Set([offsetAt(local - 86_400_000, timeZone), offsetAt(local + 86_400_000, timeZone)]);
  return [...offsets]
    .map((offset) => local - offset)
    .filter((instant) => wallClockOf(new Date(instant), timeZone).getTime() === local - (local % 1000))
    .sort((a, b) => a - b);
}

/**
 * The instant a floating wall-clock time names in a zone. Like Temporal's "compatible" choice: a time that occurs
 * twice (clocks going back) is the earlier one; a time that does not occur (clocks going forward) moves forward by
 * the gap, so 02:30 on the spring-forward night is 03:30.
 */
export function instantOf(wall: Date, timeZone: string): Date {
  const local = wall.getTime();
  const first = occurrencesOf(wall, timeZone)[0];
  if (first !== undefined) return new Date(first + (local % 1000));
  // In the gap: read with the offset before the change, which lands past it by the gap's length.
  return new Date(local - offsetAt(local - 86_400_000, timeZone));
}

/** Whether the zone's clocks show the wall time of `instant` twice (the repeated hour of a fall-back night). */
export function isAmbiguousIn(instant: Date, timeZone: string): boolean {
  return occurrencesOf(wallClockOf(instant, timeZone), timeZone).length > 1;
}

/** A floating wall time from `YYYY-MM-DDTHH:mm`, or undefined when it is not a real date and time. */
export function parseWallTime(value: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60;
  return real ? date : undefined;
}

/** `YYYY-MM-DDTHH:mm` of a floating wall time. */
export function formatWallTime(wall: Date): string {
  return wall.toISOString().slice(0, 16);
}
