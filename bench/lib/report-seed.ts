import { sql } from 'kysely';
import type { Db } from '../../src/db/kysely.ts';

/**
 * Seeds realistic report data with set-based SQL (generate_series), the same on PGlite and PostgreSQL. Every class
 * is completed and lasts 60 minutes; students get segments spread over it, so statuses come out mixed.
 */
export interface ClassShape {
  students: number;
  segmentsEach: number;
  messages: number;
  polls: number;
  questions: number;
  upvotes: number;
  /** Share of students answering each poll. */
  answerRate: number;
}

export async function seedUsers(db: Db, count: number): Promise<void> {
  await sql`INSERT INTO users (id, name, email, role)
    SELECT 'u' || g, 'Student ' || g, 'u' || g || '@example.edu', 'student' FROM generate_series(1, ${count}::int) g
    ON CONFLICT (id) DO NOTHING`.execute(db);
  await sql`INSERT INTO users (id, name, email, role) VALUES ('mentor-1', 'Ada Mentor', 'ada@example.edu', 'mentor')
    ON CONFLICT (id) DO NOTHING`.execute(db);
}

/** Puts students u1…u<count> and mentor-1 on a course's roster. */
export async function seedRoster(db: Db, courseId: string, count: number): Promise<void> {
  // On the roster since before any seeded class (a report counts only students on the roster by the class's end).
  await sql`INSERT INTO course_members (course_id, user_id, role, created_at)
    SELECT ${courseId}, 'u' || g, 'student', '2026-01-01T00:00:00Z' FROM generate_series(1, ${count}::int) g`.execute(db);
  await sql`INSERT INTO course_members (course_id, user_id, role) VALUES (${courseId}, 'mentor-1', 'mentor')`.execute(db);
}

/** One completed class of 60 minutes starting at `start`, with its attendance and engagement; returns its id. */
export async function seedClass(db: Db, courseId: string, title: string, start: Date, shape: ClassShape): Promise<string> {
  const end = new Date(start.getTime() + 60 * 60_000);
  const { rows } = await sql<{ id: string }>`INSERT INTO live_sessions
      (course_id, title, mentor_id, scheduled_start, duration_minutes, status, actual_start, actual_end,
       meeting_provider, meeting_status, meeting_url)
    VALUES (${courseId}, ${title}, 'mentor-1', ${start.toISOString()}, 60, 'completed', ${start.toISOString()},
       ${end.toISOString()}, 'jitsi', 'ready', 'https://meet.jit.si/bench')
    RETURNING id`.execute(db);
  const id = rows[0]!.id;
  const n = shape.students;
  const k = shape.segmentsEach;
  // Student g's segment s: starts (g % 12) minutes in plus 60/k × s, lasts between 5 and 60/k minutes; every 7th student never comes.
  await sql`INSERT INTO session_attendance (session_id, user_id, joined_at, left_at, via)
    SELECT ${id}::uuid, 'u' || g,
      ${start.toISOString()}::timestamptz + make_interval(mins => (g % 12) + (60 / ${k}::int) * s),
      least(${end.toISOString()}::timestamptz,
        ${start.toISOString()}::timestamptz + make_interval(mins => (g % 12) + (60 / ${k}::int) * s + 5 + (g % (60 / ${k}::int - 4)))),
      'socket'
    FROM generate_series(1, ${n}::int) g, generate_series(0, ${k - 1}::int) s
    WHERE g % 7 <> 0`.execute(db);
  await sql`INSERT INTO meeting_opens (session_id, user_id, first_opened_at, last_opened_at)
    SELECT ${id}::uuid, 'u' || g, ${start.toISOString()}::timestamptz + make_interval(mins => g % 12),
      ${start.toISOString()}::timestamptz + make_interval(mins => g % 12)
    FROM generate_series(1, ${n}::int) g WHERE g % 7 <> 0 AND g % 5 <> 0`.execute(db);
  await sql`INSERT INTO session_chat (session_id, user_id, type, body, created_at)
    SELECT ${id}::uuid, 'u' || (1 + (g * 37) % ${n}::int), 'text', 'Message number ' || g,
      ${start.toISOString()}::timestamptz + make_interval(secs => (g * 3600.0 / ${Math.max(1, shape.messages)}::int))
    FROM generate_series(1, ${shape.messages}::int) g`.execute(db);
  await sql`INSERT INTO session_qa (session_id, user_id, question, anonymous, status, answer, upvotes, created_at, updated_at)
    SELECT ${id}::uuid, CASE WHEN g % 4 = 0 THEN NULL ELSE 'u' || (1 + (g * 53) % ${n}::int) END,
      'Question number ' || g, g % 4 = 0,
      CASE WHEN g % 3 = 0 THEN 'answered' WHEN g % 3 = 1 THEN 'open' ELSE 'dismissed' END,
      CASE WHEN g % 3 = 0 THEN 'An answer' END, 0,
      ${start.toISOString()}::timestamptz + make_interval(mins => g % 60), now()
    FROM generate_series(1, ${shape.questions}::int) g`.execute(db);
  await sql`INSERT INTO qa_upvotes (qa_id, user_id)
    SELECT q.id, 'u' || (1 + (g * 31 + q.rn) % ${n}::int)
    FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS rn FROM session_qa WHERE session_id = ${id}::uuid) q,
      generate_series(1, ${Math.ceil(shape.upvotes / Math.max(1, shape.questions))}::int) g
    ON CONFLICT DO NOTHING`.execute(db);
  // Polls: every fourth is a quiz (correct option 0), every tenth anonymous; all closed.
  await sql`INSERT INTO session_polls (session_id, created_by, question, type, options, correct_option, results_visibility,
      anonymous, status, created_at, closed_at)
    SELECT ${id}::uuid, 'mentor-1', 'Poll number ' || g, 'single', '["A","B","C"]', CASE WHEN g % 4 = 0 THEN 0 END,
      'live', g % 10 = 0, 'closed', ${start.toISOString()}::timestamptz + make_interval(mins => g * 2),
      ${start.toISOString()}::timestamptz + make_interval(mins => g * 2 + 1)
    FROM generate_series(1, ${shape.polls}::int) g`.execute(db);
  await sql`INSERT INTO poll_responses (poll_id, user_id, choice, created_at, updated_at)
    SELECT p.id, 'u' || g, to_jsonb((g + p.rn) % 3), p.created_at + make_interval(secs => g % 60), p.created_at
    FROM (SELECT id, created_at, row_number() OVER (ORDER BY created_at, id) AS rn FROM session_polls WHERE session_id = ${id}::uuid) p,
      generate_series(1, ${n}::int) g
    WHERE (g * 7 + p.rn * 13) % 100 < ${Math.round(shape.answerRate * 100)}::int`.execute(db);
  return id;
}
