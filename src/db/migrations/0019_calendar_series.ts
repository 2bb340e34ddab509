import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Recurring classes and calendar feeds (issue 16, parts 3 and 4).
 * - `session_series`: a series as it was scheduled: the RRULE line, the IANA zone its wall-clock times are kept in,
 *   and the first class's local start (`YYYY-MM-DDTHH:mm`). Its classes are ordinary live sessions.
 * - `live_sessions.series_id` / `series_position`: the series a class belongs to and its place in it (0 = first), so
 *   "this and all following" means the same classes even after one of them was moved by hand.
 * - `live_sessions.calendar_sequence`: the iCalendar SEQUENCE of the class, raised by every change of the row through
 *   the session lifecycle (sessions.repo.ts updateSessionIfStatus), so calendar apps take the new version.
 * - `calendar_feeds`: a user's secret iCalendar feed, of one course or (course_id null) of all their classes. Only the
 *   SHA-256 of the secret is kept (hex, unique): a leaked table cannot be turned into feed URLs. Revoking deletes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    CREATE TABLE session_series (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id text NOT NULL,
      rrule text NOT NULL CHECK (length(rrule) BETWEEN 1 AND 500),
      timezone text NOT NULL CHECK (length(timezone) BETWEEN 1 AND 64),
      first_start text NOT NULL,
      created_by text NOT NULL REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX session_series_course_idx ON session_series (course_id);

    ALTER TABLE live_sessions ADD COLUMN series_id uuid REFERENCES session_series (id);
    ALTER TABLE live_sessions ADD COLUMN series_position integer CHECK (series_position >= 0);
    CREATE INDEX live_sessions_series_idx ON live_sessions (series_id, series_position) WHERE series_id IS NOT NULL;
    ALTER TABLE live_sessions ADD COLUMN calendar_sequence integer NOT NULL DEFAULT 0;

    CREATE TABLE calendar_feeds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      course_id text,
      secret_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX calendar_feeds_user_idx ON calendar_feeds (user_id, created_at)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DROP TABLE calendar_feeds;
    DROP INDEX live_sessions_series_idx;
    ALTER TABLE live_sessions DROP COLUMN calendar_sequence;
    ALTER TABLE live_sessions DROP COLUMN series_position;
    ALTER TABLE live_sessions DROP COLUMN series_id;
    DROP TABLE session_series
  `,
  );
}
