import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Breakout rooms (issue 15, parts 1, 2 and 4).
 * - `live_sessions.parent_session_id`: a breakout room is a child live session of its class (same course, its own
 *   seq, chat, Q&A, polls, attendance and meeting link), so the whole classroom is reused. Null for a class.
 *   `live_sessions_course_classes_idx` is the course index over classes alone: course lists and reports say
 *   `parent_session_id IS NULL` literally (so the planner can match this predicate) and no longer step over every
 *   room row of a course that holds hundreds of rooms per class.
 * - `breakout_rounds`: one round of rooms in a class; at most one round per class that is not closed (the partial
 *   unique index). `ends_at` is when the timer closes it, `closing_at` when its warning went out, both restart-safe:
 *   a starting node reads them and carries on. `broadcast` is the last message the mentors sent to every room.
 * - `breakout_rooms`: a round's rooms in order, each pointing at its child session. `help_requested_at/by`: the
 *   room asked the mentors for help (cleared when a mentor enters or answers it).
 * - `breakout_members`: who is assigned to which room in a round (one room per person and round). Moves update it;
 *   the report reads it for "each student's room".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE live_sessions ADD COLUMN parent_session_id uuid REFERENCES live_sessions (id) ON DELETE CASCADE;
    CREATE INDEX live_sessions_parent_idx ON live_sessions (parent_session_id) WHERE parent_session_id IS NOT NULL;
    CREATE INDEX live_sessions_course_classes_idx ON live_sessions (course_id, scheduled_start, id) WHERE parent_session_id IS NULL;

    CREATE TABLE breakout_rounds (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      assignment text NOT NULL CHECK (assignment IN ('random', 'manual', 'self-select', 'groups')),
      group_set_id uuid,
      capacity integer CHECK (capacity BETWEEN 1 AND 10000),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closing', 'closed')),
      duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
      warning_seconds integer NOT NULL DEFAULT 60 CHECK (warning_seconds BETWEEN 0 AND 600),
      opened_by text NOT NULL REFERENCES users (id),
      opened_at timestamptz NOT NULL DEFAULT now(),
      ends_at timestamptz NOT NULL,
      closing_at timestamptz,
      closed_at timestamptz,
      closed_by text REFERENCES users (id),
      broadcast text CHECK (length(broadcast) BETWEEN 1 AND 500),
      broadcast_at timestamptz,
      broadcast_by text REFERENCES users (id)
    );
    CREATE UNIQUE INDEX breakout_rounds_one_active_idx ON breakout_rounds (session_id) WHERE status <> 'closed';
    CREATE INDEX breakout_rounds_session_idx ON breakout_rounds (session_id, opened_at);
    CREATE INDEX breakout_rounds_due_idx ON breakout_rounds (ends_at) WHERE status <> 'closed';

    CREATE TABLE breakout_rooms (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      round_id uuid NOT NULL REFERENCES breakout_rounds (id) ON DELETE CASCADE,
      position integer NOT NULL CHECK (position >= 0),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      session_id uuid NOT NULL UNIQUE REFERENCES live_sessions (id) ON DELETE CASCADE,
      help_requested_at timestamptz,
      help_requested_by text REFERENCES users (id) ON DELETE SET NULL,
      UNIQUE (round_id, position)
    );

    CREATE TABLE breakout_members (
      round_id uuid NOT NULL REFERENCES breakout_rounds (id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      room_id uuid NOT NULL REFERENCES breakout_rooms (id) ON DELETE CASCADE,
      assigned_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (round_id, user_id)
    );
    CREATE INDEX breakout_members_room_idx ON breakout_members (room_id);
    CREATE INDEX breakout_members_user_idx ON breakout_members (user_id)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DROP TABLE breakout_members;
    DROP TABLE breakout_rooms;
    DROP TABLE breakout_rounds;
    DROP INDEX live_sessions_course_classes_idx;
    ALTER TABLE live_sessions DROP COLUMN parent_session_id
  `,
  );
}
