/**
 * A `YYYY-MM-DD` day from a date input, in the viewer's zone, as the instant it starts; `after` gives the start of
 * the next day instead, for a range whose end is exclusive (the course report's `to`), so a class at 23:59:59.999 of
 * the last day is still in it. Years 0–99 stay what was typed (the Date constructor would read them as 1900–1999).
 */
export function dayStartIso(day: string, after = false): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const [y, mo, d] = m.slice(1).map(Number) as [number, number, number];
  const date = new Date(2000, 0, 1);
  date.setFullYear(y, mo - 1, d + (after ? 1 : 0));
  date.setHours(0, 0, 0, 0);
  const iso = date.toISOString();
  // Only plain four-digit years are real dates here; a mistyped "0000" or a year past 9999 is not sent.
  return Number.isNaN(date.getTime()) || !/^\d{4}-/.test(iso) || y === 0 ? null : iso;
}
