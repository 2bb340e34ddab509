import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * The foundation schema: the seed design's six tables plus users, the course roster, upvotes and the audit log.
 * Ids from the LMS (users, courses) are text; ids we mint are uuids. Every time is timestamptz.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    CREATE TABLE users (
      id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      email text CHECK (length(email) <= 320),
      role text CHECK (role IN ('student', 'mentor', 'admin')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE course_members (
      course_id text NOT NULL CHECK (length(course_id) BETWEEN 1 AND 100),
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      role text NOT NULL CHECK (role IN ('student', 'mentor')),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (course_id, user_id)
    );
    CREATE INDEX course_members_user_idx ON course_members (user_id);

    CREATE TABLE live_sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      course_id text NOT NULL CHECK (length(course_id) BETWEEN 1 AND 100),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      description text CHECK (length(description) <= 5000),
      mentor_id text NOT NULL REFERENCES users (id),
      scheduled_start timestamptz NOT NULL,
      duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
      status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'live', 'completed', 'cancelled')),
      actual_start timestamptz,
      actual_end timestamptz CHECK (actual_end IS NULL OR actual_start IS NULL OR actual_end >= actual_start),
      meeting_provider text NOT NULL,
      meeting_url text,
      meeting_status text NOT NULL CHECK (meeting_status IN ('pending', 'ready', 'failed')),
      meeting_error text,
      chat_enabled boolean NOT NULL DEFAULT true,
      qa_enabled boolean NOT NULL DEFAULT true,
      polls_enabled boolean NOT NULL DEFAULT true,
      anonymous_questions boolean NOT NULL DEFAULT true,
      last_seq bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX live_sessions_course_start_idx ON live_sessions (course_id, scheduled_start, id);
    CREATE INDEX live_sessions_start_idx ON live_sessions (scheduled_start, id);

    CREATE TABLE session_attendance (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      joined_at timestamptz NOT NULL,
      left_at timestamptz CHECK (left_at IS NULL OR left_at >= joined_at)
    );
    CREATE INDEX session_attendance_session_user_idx ON session_attendance (session_id, user_id, joined_at);
    -- At most one open segment per user and session: joining twice keeps one.
    CREATE UNIQUE INDEX session_attendance_one_open_idx ON session_attendance (session_id, user_id)
      WHERE left_at IS NULL;

    CREATE TABLE session_chat (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users (id),
      type text NOT NULL DEFAULT 'text' CHECK (type IN ('text', 'question', 'answer')),
      body text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
      deleted_at timestamptz,
      deleted_by text REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX session_chat_session_idx ON session_chat (session_id, created_at, id);

    CREATE TABLE session_qa (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users (id),
      question text NOT NULL CHECK (length(question) BETWEEN 1 AND 1000),
      anonymous boolean NOT NULL DEFAULT false,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'dismissed')),
      answer text CHECK (length(answer) <= 5000),
      answered_by text REFERENCES users (id),
      answered_at timestamptz,
      upvotes integer NOT NULL DEFAULT 0 CHECK (upvotes >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX session_qa_votes_idx ON session_qa (session_id, upvotes DESC, created_at);
    CREATE INDEX session_qa_recent_idx ON session_qa (session_id, created_at DESC);

    CREATE TABLE qa_upvotes (
      qa_id uuid NOT NULL REFERENCES session_qa (id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (qa_id, user_id)
    );

    CREATE TABLE session_polls (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      session_id uuid NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
      created_by text NOT NULL REFERENCES users (id),
      question text NOT NULL CHECK (length(question) BETWEEN 1 AND 500),
      type text NOT NULL CHECK (type IN ('single', 'multiple', 'rating', 'text')),
      options jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(options) = 'array'),
      correct_option integer CHECK (correct_option >= 0),
      results_visibility text NOT NULL DEFAULT 'live' CHECK (results_visibility IN ('live', 'afterClose')),
      anonymous boolean NOT NULL DEFAULT false,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      created_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz
    );
    CREATE INDEX session_polls_session_idx ON session_polls (session_id, created_at);

    CREATE TABLE poll_responses (
      poll_id uuid NOT NULL REFERENCES session_polls (id) ON DELETE CASCADE,
      user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      choice jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (poll_id, user_id)
    );

    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor_id text,
      actor_role text,
      action text NOT NULL,
      target_type text NOT NULL,
      target_id text,
      course_id text,
      session_id uuid,
      outcome text NOT NULL CHECK (outcome IN ('success', 'denied')),
      ip text,
      details jsonb
    );
    CREATE INDEX audit_log_session_idx ON audit_log (session_id, id) WHERE session_id IS NOT NULL;
    CREATE INDEX audit_log_course_idx ON audit_log (course_id, id) WHERE course_id IS NOT NULL;
    CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DROP TABLE audit_log, poll_responses, session_polls, qa_upvotes, session_qa, session_chat,
      session_attendance, live_sessions, course_members, users;
  `,
  );
}
