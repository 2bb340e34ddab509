import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { ICalCalendar, ICalEventStatus } from 'ical-generator';
import type { LiveSessionRow } from '../db/tables.ts';
import { isAmbiguousIn, wallClockOf } from '../sessions/series-zone.ts';

/** A class as a feed shows it: the row, and its series' zone when it has one. */
export type FeedClass = LiveSessionRow & { timezone: string | null };

/** Feeds are polled, not pushed: calendar apps that honour it look again after this long. */
const REFRESH_SECONDS = 3600;

/**
 * An instant that ical-generator writes as the wall-clock time of a zone. It speaks the TZDate protocol ical-generator
 * supports (date-fns/tz): for a plain Date with a TZID it would use the *process's* local time, which is only right
 * when the server runs in that very zone.
 */
class ZonedInstant extends Date {
  readonly internal: Date;
  constructor(instant: Date) {
    super(instant.getTime());
    this.internal = new Date(instant.getTime());
  }
  tzComponents(): number[] {
    return [];
  }
  withTimeZone(timeZone?: string | null): Date {
    return timeZone ? new WallFields(wallClockOf(this.internal, timeZone)) : new Date(this.internal.getTime());
  }
}

/** A floating wall time whose local-time getters read its wall fields, whatever zone the process runs in. */
class WallFields extends Date {
  override getFullYear = () => this.getUTCFullYear();
  override getMonth = () => this.getUTCMonth();
  override getDate = () => this.getUTCDate();
  override getHours = () => this.getUTCHours();
  override getMinutes = () => this.getUTCMinutes();
  override getSeconds = () => this.getUTCSeconds();
}

/** Whether the start or the end shows a local time the zone's clocks show twice. */
const ambiguous = (start: Date, end: Date, timeZone: string) => isAmbiguousIn(start, timeZone) || isAmbiguousIn(end, timeZone);

/**
 * A feed's iCalendar text. Each class is one event with a stable UID (its id), the join page as URL, its duration,
 * `STATUS:CANCELLED` once cancelled, and SEQUENCE / LAST-MODIFIED that move whenever the class changes. Classes of a
 * series are written in their series' zone (TZID, with its VTIMEZONE), the rest in UTC; so is a class whose start or
 * end falls in the repeated hour of a fall-back night, since a local time there names two instants (RFC 5545 reads
 * the first, some calendar apps the second) and only UTC names one.
 */
export function buildCalendar(name: string, classes: FeedClass[], joinPage: (sessionId: string) => string): string {
  const calendar = new ICalCalendar({
    name,
    prodId: { company: 'Skill Probe', product: 'Skill Probe Live', language: 'EN' },
    ttl: REFRESH_SECONDS,
  });
  // No calendar-wide zone (DTSTAMP and LAST-MODIFIED stay UTC); the generator adds a VTIMEZONE per zone events use.
  calendar.timezone({ name: null, generator: getVtimezoneComponent });
  for (const row of classes) {
    const end = new Date(row.scheduled_start.getTime() + row.duration_minutes * 60_000);
    const zone =
      row.timezone && getVtimezoneComponent(row.timezone) && !ambiguous(row.scheduled_start, end, row.timezone) ? row.timezone : null;
    const url = joinPage(row.id);
    calendar.createEvent({
      id: `${row.id}@skill-probe-live`,
      sequence: row.calendar_sequence,
      start: zone ? new ZonedInstant(row.scheduled_start) : row.scheduled_start,
      end: zone ? new ZonedInstant(end) : end,
      timezone: zone,
      summary: row.title,
      description: row.description ? `${row.description}\n\nJoin: ${url}` : `Join: ${url}`,
      url,
      status: row.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      created: row.created_at,
      lastModified: row.updated_at,
      // The revision time, not the time of the request: the same class reads the same until it changes.
      stamp: row.updated_at,
    });
  }
  return calendar.toString();
}
