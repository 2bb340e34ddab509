import type { Kysely } from 'kysely';
import type { Database, LiveSessionRow, SessionSeriesRow } from '../db/tables.ts';

/** Saves a series' rule, zone and first local start. */
export async function insertSeries(
  db: Kysely<Database>,
  values: { course_id: string; rrule: string; timezone: string; first_start: string; created_by: string },
): Promise<SessionSeriesRow> {
  return db.insertInto('session_series').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findSeries(db: Kysely<Database>, seriesId: string): Promise<SessionSeriesRow | undefined> {
  return db.selectFrom('session_series').selectAll().where('id', '=', seriesId).executeTakeFirst();
}

/** A series' classes in series order, from a place in it on. */
export async function listSeriesClasses(db: Kysely<Database>, seriesId: string, fromPosition = 0): Promise<LiveSessionRow[]> {
  return db
    .selectFrom('live_sessions')
    .selectAll()
    .where('series_id', '=', seriesId)
    .where('series_position', '>=', fromPosition)
    .orderBy('series_position')
    .execute();
}
