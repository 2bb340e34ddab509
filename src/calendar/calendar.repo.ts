import type { Kysely } from 'kysely';
import type { CalendarFeedRow, Database } from '../db/tables.ts';
import type { FeedClass } from './calendar.ics.ts';

export async function insertFeed(
  db: Kysely<Database>,
  values: { user_id: string; course_id: string | null; secret_hash: string },
): Promise<CalendarFeedRow> {
  return db.insertInto('calendar_feeds').values(values).returningAll().executeTakeFirstOrThrow();
}

/** A user's feeds, newest first. */
export async function listFeeds(db: Kysely<Database>, userId: string): Promise<CalendarFeedRow[]> {
  return db.selectFrom('calendar_feeds').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id').execute();
}

/** Deletes one of the user's feeds; false when they have no such feed. */
export async function deleteFeed(db: Kysely<Database>, userId: string, feedId: string): Promise<CalendarFeedRow | undefined> {
  return db.deleteFrom('calendar_feeds').where('id', '=', feedId).where('user_id', '=', userId).returningAll().executeTakeFirst();
}

/** The feed a secret's hash names (a unique-index lookup), or undefined. */
export async function findFeedByHash(db: Kysely<Database>, secretHash: string): Promise<CalendarFeedRow | undefined> {
  return db.selectFrom('calendar_feeds').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
}

export interface FeedWindow {
  userId: string;
  /** One course, or every course the user is on. */
  courseId: string | null;
  from: Date;
  to: Date;
  limit: number;
}

/**
 * The classes a feed shows: of courses the user is on the roster of *now* (the roster is joined at read time, so a
 * removed member's feed empties), classes only (no breakout rooms), starting within the window, cancelled ones
 * included; each with its series' zone.
 */
export async function listFeedClasses(db: Kysely<Database>, w: FeedWindow): Promise<FeedClass[]> {
  let q = db
    .selectFrom('live_sessions')
    .innerJoin('course_members', (join) =>
      join.onRef('course_members.course_id', '=', 'live_sessions.course_id').on('course_members.user_id', '=', w.userId),
    )
    .leftJoin('session_series', 'session_series.id', 'live_sessions.series_id')
    .selectAll('live_sessions')
    .select('session_series.timezone')
    .where('live_sessions.parent_session_id', 'is', null)
    .where('live_sessions.scheduled_start', '>=', w.from)
    .where('live_sessions.scheduled_start', '<', w.to);
  if (w.courseId) q = q.where('live_sessions.course_id', '=', w.courseId);
  return q.orderBy('live_sessions.scheduled_start').orderBy('live_sessions.id').limit(w.limit).execute();
}
