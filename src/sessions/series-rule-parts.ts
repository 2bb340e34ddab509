/**
 * The strict reading of an RRULE line's parts, before rrule sees it. rrule's own parser is lenient: it keeps a
 * number it cannot read as a string (`COUNT=abc` then means "no count"), takes `INTERVAL=-1` (its expansion then
 * never ends) and throws a TypeError on `BYDAY=XX`. Here every part is checked against RFC 5545's grammar and ranges,
 * so a bad rule is refused with the part that is wrong, and rrule only ever expands a well-formed one.
 */

/** Most classes one series may hold. */
export const MAX_SERIES_CLASSES = 100;
/**
 * Largest INTERVAL: 52 weeks is a year between classes; a longer gap is not a series anyone teaches, and with at most
 * 10 years of classes a larger DAILY/WEEKLY/MONTHLY/YEARLY step would mostly make a series of one.
 */
export const MAX_INTERVAL = 52;

const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const FREQS = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'];

/** A problem with one part's value, or undefined when it is well-formed. */
type Check = (value: string) => string | undefined;

const whole =
  (min: number, max: number, words: string): Check =>
  (v) =>
    /^\d{1,9}$/.test(v) && Number(v) >= min && Number(v) <= max ? undefined : words;

/** A comma list of whole numbers 1..max, or also -max..-1 (counted from the end) when `signed`. */
const numbers =
  (max: number, signed: boolean): Check =>
  (v) => {
    const ok = v
      .split(',')
      .every((n) => (signed ? /^[+-]?\d{1,3}$/ : /^\d{1,3}$/).test(n) && Number(n) !== 0 && Math.abs(Number(n)) <= max);
    return ok ? undefined : `must be a list of whole numbers from 1 to ${max}${signed ? ` or -${max} to -1` : ''}`;
  };

const untilValue: Check = (v) => {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(v);
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = (m?.slice(1) ?? []).map((x) => Number(x ?? 0));
  const date = new Date(Date.UTC(y, mo - 1, d));
  const real = m && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  return real ? undefined : 'must be a date YYYYMMDD or a date and time YYYYMMDDTHHMMSS (ending in Z for UTC)';
};

const byDay: Check = (v) =>
  v.split(',').every((day) => {
    const m = /^([+-]?\d{1,2})?([A-Z]{2})$/.exec(day);
    const n = m?.[1] === undefined ? 1 : Math.abs(Number(m[1]));
    return m && WEEKDAYS.includes(m[2] as string) && n >= 1 && n <= 53;
  })
    ? undefined
    : 'must be a list of weekdays MO, TU, WE, TH, FR, SA, SU, each optionally numbered (2MO, -1FR)';

const notTaken = 'every class starts at the time of firstStart: BYHOUR, BYMINUTE and BYSECOND are not taken';

const checks: Record<string, Check> = {
  FREQ: (v) => (FREQS.includes(v) ? undefined : 'must be DAILY, WEEKLY, MONTHLY or YEARLY'),
  UNTIL: untilValue,
  COUNT: whole(1, MAX_SERIES_CLASSES, `must be a whole number of classes, from 1 to at most ${MAX_SERIES_CLASSES}`),
  INTERVAL: whole(1, MAX_INTERVAL, `must be a whole number from 1 to ${MAX_INTERVAL}`),
  BYSECOND: () => notTaken,
  BYMINUTE: () => notTaken,
  BYHOUR: () => notTaken,
  BYDAY: byDay,
  BYMONTHDAY: numbers(31, true),
  BYYEARDAY: numbers(366, true),
  BYWEEKNO: numbers(53, true),
  BYMONTH: numbers(12, false),
  BYSETPOS: numbers(366, true),
  WKST: (v) => (WEEKDAYS.includes(v) ? undefined : 'must be a weekday MO, TU, WE, TH, FR, SA or SU'),
};

/**
 * The parts of an RRULE line (without `RRULE:`), upper-cased (RFC 5545 names and values are case-insensitive), or the
 * reason it is not a rule this service takes: a part that is not NAME=VALUE, unknown, repeated, out of its range, or
 * one RFC 5545 forbids with this FREQ.
 */
export function ruleParts(line: string): { parts: Map<string, string> } | { problem: string } {
  const parts = new Map<string, string>();
  for (const part of line
    .toUpperCase()
    .split(';')
    .filter((p) => p.trim() !== '')) {
    const [name = '', value, ...extra] = part.split('=').map((s) => s.trim());
    const check = checks[name];
    if (value === undefined || extra.length > 0) return { problem: `is not an RFC 5545 RRULE: "${part}" is not NAME=VALUE` };
    if (!check) return { problem: `is not an RFC 5545 RRULE: unknown part ${name}` };
    if (parts.has(name)) return { problem: `gives ${name} twice` };
    const problem = check(value);
    if (problem) return { problem: name === 'COUNT' || problem === notTaken ? `${name}: ${problem}` : `${name}=${value}: ${problem}` };
    parts.set(name, value);
  }
  const problem = freqRules(parts);
  return problem ? { problem } : { parts };
}

/** RFC 5545 §3.3.10's limits on which BYxxx parts go with which FREQ (rrule would quietly ignore or misread them). */
function freqRules(parts: Map<string, string>): string | undefined {
  const freq = parts.get('FREQ');
  if (!freq) return 'needs FREQ';
  if (parts.has('COUNT') && parts.has('UNTIL')) return 'takes COUNT or UNTIL, not both';
  if (parts.has('BYWEEKNO') && freq !== 'YEARLY') return 'BYWEEKNO goes only with FREQ=YEARLY';
  if (parts.has('BYYEARDAY') && freq !== 'YEARLY') return 'BYYEARDAY goes only with FREQ=YEARLY';
  if (parts.has('BYMONTHDAY') && freq === 'WEEKLY') return 'BYMONTHDAY does not go with FREQ=WEEKLY';
  const numbered = (parts.get('BYDAY') ?? '').split(',').some((d) => /\d/.test(d));
  if (numbered && freq !== 'MONTHLY' && freq !== 'YEARLY') return 'a numbered BYDAY (2MO, -1FR) needs FREQ=MONTHLY or YEARLY';
  const others = ['BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYMONTH'].some((p) => parts.has(p));
  if (parts.has('BYSETPOS') && !others) return 'BYSETPOS needs another BYxxx part to pick from';
  return undefined;
}
