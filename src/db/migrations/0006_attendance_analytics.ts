import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Trustworthy attendance (issue 13).
 * - `course_settings`: a course's attendance rules (JSON, validated by the API; missing fields take their defaults), so
 *   a rule added later needs no migration. Courses are the LMS's: the row exists once a manager saves settings.
 * - `live_sessions.attendance_overrides`: the same fields for one class, over the course's.
 * - `meeting_opens`: who opened the meeting link and when (the first time is what the report shows), one row per person
 *   and class, so a student who only opened the class page is told apart from one who went to the meeting.
 * - `live_sessions.meeting_sync_*`: whether the meeting's own attendance was read after the class (none: no provider
 *   to ask; pending; done; failed with the reason).
 * - `meeting_participant_segments`: who was in the video meeting itself, read from the provider after the class
 *   (Google Meet's participantSessions). `user_id` is null for a participant matched to nobody on the roster
 *   (anonymous, or an email the roster does not have); they are kept for the count, never shown by name to students.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    CREATE TABLE course_settings (
      course_id text PRIMARY KEY CHECK (length(course_id) BETWEEN 1 AND 100),
      attendance jsonb NOT NULL DEFAULT '{}',
      updated_by text REFERENCES users (id) ON DELETE SET NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    ALTER TABLE live_sessions ADD COLUMN attendance_overrides jsonb;
    ALTER TABLE live_sessions ADD COLUMN meeting_sync_status text NOT NULL DEFAULT 'none'
      CHECK (meeting_sync_status IN ('none', 'pending', 'done', 'failed'));
    ALTER TABLE live_sessions ADD COLUMN meeting_synced_at timestamptz;
    ALTER TABLE live_sessions ADD COLUMN meeting_sync_error text;

    CREATE TABLE meeting_opens (
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      first_opened_at timestamptz NOT NULL,
      last_opened_at timestamptz NOT NULL CHECK (last_opened_at >= first_opened_at),
      opens integer NOT NULL DEFAULT 1 CHECK (opens >= 1),
      PRIMARY KEY (session_id, user_id)
    );

    CREATE TABLE meeting_participant_segments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      user_id text REFERENCES users (id) ON DELETE SET NULL,
      participant text NOT NULL CHECK (length(participant) BETWEEN 1 AND 500),
      display_name text CHECK (length(display_name) <= 500),
      email text CHECK (length(email) <= 320),
      joined_at timestamptz NOT NULL,
      left_at timestamptz CHECK (left_at IS NULL OR left_at >= joined_at),
      UNIQUE (session_id, participant, joined_at)
    );
    CREATE INDEX meeting_participant_segments_session_user_idx ON meeting_participant_segments (session_id, user_id, joined_at)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DROP TABLE meeting_participant_segments;
    DROP TABLE meeting_opens;
    ALTER TABLE live_sessions DROP COLUMN meeting_sync_error;
    ALTER TABLE live_sessions DROP COLUMN meeting_synced_at;
    ALTER TABLE live_sessions DROP COLUMN meeting_sync_status;
    ALTER TABLE live_sessions DROP COLUMN attendance_overrides;
    DROP TABLE course_settings
  `,
  );
}
