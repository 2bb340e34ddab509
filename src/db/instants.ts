import { type RawBuilder, sql } from 'kysely';

/**
 * The instant a row is written, at the database's microsecond precision. Taken under the session lock, it orders
 * rows exactly as their events are ordered by seq, so a listing matches what clients heard live.
 */
export const writeInstant = (): RawBuilder<Date> => sql<Date>`clock_timestamp()`;

/** A timestamptz column as an exact UTC text (microseconds), for cursors: a JS Date would round to milliseconds. */
export const instantKey = (column: string): RawBuilder<string> =>
  sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** A cursor's instant back as a timestamptz parameter. */
export const instantParam = (key: string): RawBuilder<Date> => sql<Date>`cast(${key} as timestamptz)`;

/** The exact-instant keys cursors carry look like this. */
export const INSTANT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
