import rrule from 'rrule';
import { AppError } from '../errors.ts';
import { MAX_SERIES_CLASSES, ruleParts } from './series-rule-parts.ts';
import { instantOf, wallClockOf } from './series-zone.ts';

const { RRule, Frequency } = rrule;

export { MAX_SERIES_CLASSES } from './series-rule-parts.ts';
/** No class of a series starts later than this after its first. */
const HORIZON_YEARS = 10;
const DAY_MS = 86_400_000;
/** More than any clock change moves local time (one hour; two in a few historical zones). */
const CLOCK_CHANGE_SLACK_MS = 3 * 3_600_000;

const refuse = (message: string) => new AppError('VALIDATION_FAILED', message, [{ field: 'body.rrule', message }]);

/**
 * The start instants of a series: the RRULE's occurrences from `firstStart`, computed in floating wall-clock time and
 * each placed in `timeZone` on its own, so 18:00 stays 18:00 across daylight-saving changes (rrule's own `tzid`
 * handling depends on the process zone, hence not used). `rule` is the RRULE line alone (with or without `RRULE:`);
 * every part is checked first (series-rule-parts.ts). It needs COUNT or UNTIL, whole days between classes (DAILY or
 * coarser: every class starts at firstStart's time), and `firstStart` must itself be an occurrence. An UNTIL in UTC
 * (`…Z`) is the instant; one without `Z` is a wall time in the zone; a date alone is the end of that local day.
 */
export function seriesStarts(rule: string, firstStart: Date, timeZone: string): Date[] {
  const line = rule.trim().replace(/^RRULE:/i, '');
  if (/[\r\n]/.test(line) || /(^|;)\s*DTSTART/i.test(line)) {
    throw refuse('give the RRULE line only; the first class is firstStart in timezone');
  }
  if (/(^|;)\s*TZID/i.test(line)) throw refuse('give the zone as timezone, not TZID');
  const checked = ruleParts(line);
  if ('problem' in checked) throw refuse(checked.problem);
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(line.toUpperCase());
  } catch (err) {
    throw refuse(`is not an RFC 5545 RRULE: ${(err as Error).message}`);
  }
  if (options.freq === undefined || options.freq > Frequency.DAILY) {
    throw refuse('classes of a series are whole days apart: FREQ must be DAILY or coarser');
  }
  if (!options.count && !options.until) throw refuse(`needs COUNT or UNTIL (at most ${MAX_SERIES_CLASSES} classes)`);
  const until = untilWall(checked.parts.get('UNTIL'), options.until, timeZone);
  const horizon = new Date(firstStart);
  horizon.setUTCFullYear(horizon.getUTCFullYear() + HORIZON_YEARS);
  if (until && until > horizon) throw refuse(`UNTIL may be at most ${HORIZON_YEARS} years after firstStart`);
  // An UNTIL in UTC is an instant, which wall times around a clock change do not order the same way (02:30 on a
  // fall-back night is before 01:15Z; 02:30 in a spring gap is 03:30): expand a little past it, then compare instants.
  const instantUntil = checked.parts.get('UNTIL')?.endsWith('Z') ? options.until : undefined;
  const beforeFirst = instantUntil ? instantOf(firstStart, timeZone) > instantUntil : until && until < firstStart;
  if (beforeFirst) throw refuse('UNTIL is before firstStart');
  const wallEnd = until && instantUntil ? new Date(until.getTime() + CLOCK_CHANGE_SLACK_MS) : until;
  const walls = expand({ ...options, until: wallEnd, dtstart: firstStart }, firstStart, wallEnd ?? horizon);
  if (walls[0]?.getTime() !== firstStart.getTime()) throw refuse('firstStart must be a class of the rule (e.g. a Monday for BYDAY=MO)');
  const starts = walls.map((wall) => instantOf(wall, timeZone)).filter((start) => !instantUntil || start <= instantUntil);
  if (starts.length > MAX_SERIES_CLASSES) throw refuse(`makes more than ${MAX_SERIES_CLASSES} classes; lower COUNT or UNTIL`);
  if (options.count && starts.length < options.count) {
    throw refuse(`makes only ${starts.length} of its COUNT classes within ${HORIZON_YEARS} years`);
  }
  return starts;
}

/**
 * UNTIL as a floating wall time: one in UTC is turned into the zone's wall time (rrule reads UNTIL as floating either
 * way); a date alone is the end of that local day, so a class on that day is included, as a calendar user means it.
 */
function untilWall(text: string | undefined, parsed: Date | null | undefined, timeZone: string): Date | undefined {
  if (!text || !parsed) return undefined;
  if (text.endsWith('Z')) return wallClockOf(parsed, timeZone);
  if (!text.includes('T')) return new Date(parsed.getTime() + DAY_MS - 1000);
  return parsed;
}

/** Thrown from inside rrule's loop when its step budget is spent. */
class StepBudgetSpent extends Error {}

/**
 * The rule's floating occurrences from `firstStart` to `end`, at most one past MAX_SERIES_CLASSES. Bounded by steps
 * as well: rrule checks UNTIL, COUNT and the callback only when a date matches, so a rule that never matches
 * (`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`) would walk day by day to the year 9999, blocking the process for seconds.
 * rrule (2.8) reads `interval` each time it advances to the next period (twice per step); every period is at least a
 * day, so four reads per day until `end` never cut short a rule that matches before it. series-rule.test.ts
 * checks that a never-matching rule is refused quickly, so an rrule upgrade that changes this is noticed.
 */
function expand(options: ConstructorParameters<typeof RRule>[0], firstStart: Date, end: Date): Date[] {
  let expanded: InstanceType<typeof RRule>;
  try {
    expanded = new RRule(options);
  } catch (err) {
    throw refuse(`is not a rule rrule can expand: ${(err as Error).message}`);
  }
  const budget = 4 * (Math.ceil((end.getTime() - firstStart.getTime()) / DAY_MS) + 2);
  const interval = expanded.options.interval;
  let reads = 0;
  Object.defineProperty(expanded.options, 'interval', {
    get() {
      reads += 1;
      if (reads > budget) throw new StepBudgetSpent();
      return interval;
    },
  });
  const walls: Date[] = [];
  try {
    expanded.between(firstStart, end, true, (date) => walls.push(date) <= MAX_SERIES_CLASSES);
  } catch (err) {
    // Out of steps: no further class before `end`; the ones found stand and are judged like any others.
    if (!(err instanceof StepBudgetSpent)) throw refuse(`is not a rule rrule can expand: ${(err as Error).message}`);
  }
  return walls;
}

/** The start of a class moved to the wall time `HH:mm` on the same local day in the zone. */
export function atWallTime(start: Date, time: string, timeZone: string): Date {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  const wall = wallClockOf(start, timeZone);
  wall.setUTCHours(hours, minutes, 0, 0);
  return instantOf(wall, timeZone);
}
