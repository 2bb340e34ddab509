import rrule from 'rrule';
import { AppError } from '../errors.ts';
import { instantOf, wallClockOf } from './series-zone.ts';

const { RRule, Frequency } = rrule;

/** Most classes one series may hold. */
export const MAX_SERIES_CLASSES = 100;
/** No class of a series starts later than this after its first. */
const HORIZON_YEARS = 10;

const refuse = (message: string) => new AppError('VALIDATION_FAILED', message, [{ field: 'body.rrule', message }]);

/**
 * The start instants of a series: the RRULE's occurrences from `firstStart`, computed in floating wall-clock time and
 * each placed in `timeZone` on its own, so 18:00 stays 18:00 across daylight-saving changes (rrule's own `tzid`
 * handling depends on the process zone, hence not used). `rule` is the RRULE line alone (with or without `RRULE:`);
 * it needs COUNT or UNTIL, whole days between classes (DAILY or coarser, no BYHOUR/BYMINUTE/BYSECOND: every class
 * starts at firstStart's time), and `firstStart` must itself be an occurrence. An UNTIL in UTC (`…Z`) is the instant;
 * one without `Z` is a wall time in the zone.
 */
export function seriesStarts(rule: string, firstStart: Date, timeZone: string): Date[] {
  const line = rule.trim().replace(/^RRULE:/i, '');
  if (/[\r\n]/.test(line) || /(^|;)\s*DTSTART/i.test(line)) {
    throw refuse('give the RRULE line only; the first class is firstStart in timezone');
  }
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(line);
  } catch (err) {
    throw refuse(`is not an RFC 5545 RRULE: ${(err as Error).message}`);
  }
  if (options.freq === undefined) throw refuse('needs FREQ');
  if (options.freq > Frequency.DAILY) throw refuse('classes of a series are whole days apart: FREQ must be DAILY or coarser');
  if (options.byhour != null || options.byminute != null || options.bysecond != null) {
    throw refuse('every class starts at the time of firstStart: BYHOUR, BYMINUTE and BYSECOND are not taken');
  }
  if (options.tzid) throw refuse('give the zone as timezone, not TZID');
  if (!options.count && !options.until) throw refuse(`needs COUNT or UNTIL (at most ${MAX_SERIES_CLASSES} classes)`);
  if (options.count && options.count > MAX_SERIES_CLASSES) throw refuse(`COUNT may be at most ${MAX_SERIES_CLASSES}`);
  // rrule reads UNTIL as a floating time either way; one given in UTC is turned into the zone's wall time first.
  const until = options.until && /UNTIL=\d{8}(T\d{6})?Z/i.test(line) ? wallClockOf(options.until, timeZone) : options.until;
  const horizon = new Date(firstStart);
  horizon.setUTCFullYear(horizon.getUTCFullYear() + HORIZON_YEARS);
  if (until && until > horizon) throw refuse(`UNTIL may be at most ${HORIZON_YEARS} years after firstStart`);
  const expanded = new RRule({ ...options, until, dtstart: firstStart });
  // Bounded twice: by date (a rule that rarely matches cannot run on for centuries) and by count.
  const walls = expanded.between(firstStart, until ?? horizon, true, (_d, i) => i <= MAX_SERIES_CLASSES);
  if (walls.length > MAX_SERIES_CLASSES) throw refuse(`makes more than ${MAX_SERIES_CLASSES} classes; lower COUNT or UNTIL`);
  if (walls[0]?.getTime() !== firstStart.getTime()) throw refuse('firstStart must be a class of the rule (e.g. a Monday for BYDAY=MO)');
  if (options.count && walls.length < options.count) {
    throw refuse(`makes only ${walls.length} of its COUNT classes within ${HORIZON_YEARS} years`);
  }
  return walls.map((wall) => instantOf(wall, timeZone));
}

/** The start of a class moved to the wall time `HH:mm` on the same local day in the zone. */
export function atWallTime(start: Date, time: string, timeZone: string): Date {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  const wall = wallClockOf(start, timeZone);
  wall.setUTCHours(hours, minutes, 0, 0);
  return instantOf(wall, timeZone);
}
