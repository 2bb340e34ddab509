/**
 * CSV as spreadsheets read it: RFC 4180 (comma-separated, CRLF line ends, a field with a comma, quote, CR or LF in
 * double quotes with inner quotes doubled), UTF-8 with a byte order mark. The mark is what makes Excel read the file
 * as UTF-8 rather than the system's code page, so "Zoë" and "Łukasz" survive; LibreOffice, Google Sheets, Numbers
 * and pandas (`encoding='utf-8-sig'`) skip it. Serve with `Content-Type: text/csv; charset=utf-8`.
 */
export const CSV_BOM = '\uFEFF';

/**
 * A text cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`, `-1+1`, `@SUM(…)`, or one hiding
 * behind a leading tab or carriage return) is prefixed with a single quote, which shows it as text (OWASP "CSV
 * injection"). The full-width signs ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20) count too: spreadsheets set to East Asian
 * input read them as the ASCII ones. Only text is neutralised: a number we write, such as -3, stays a number.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One value as CSV text: null and undefined empty, Dates ISO 8601 UTC, numbers and booleans as written. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // Anything else is text: a string as it is, a structure (a poll choice array) as JSON.
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A whole CSV file: the byte order mark, the header row, then one row per record, each line ended by CRLF. */
export function toCsv(header: string[], rows: unknown[][]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}
