import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { dbTargets, freshDatabase } from '../test/harness.ts';
import { type Db, migrateToLatest } from './kysely.ts';

const UNIQUE_VIOLATION = { code: '23505' };
const CHECK_VIOLATION = { code: '23514' };

for (const target of await dbTargets('database schema')) {
  describe(`database schema on ${target}`, () => {
    let db: Db;
    let drop: () => Promise<void>;
    let sessionId: string;
    before(async () => {
      ({ db, drop } = await freshDatabase(target));
      await db
        .insertInto('users')
        .values(['mentor', 'ann', 'bob'].map((id) => ({ id, name: id, email: null, role: 'student' as const, updated_at: new Date() })))
        .execute();
      sessionId = await insertSession(db);
    });
    after(() => drop());

    test('a user has at most one open attendance segment per session; after closing, a new one may open', async () => {
      const open = () =>
        db.insertInto('session_attendance').values({ session_id: sessionId, user_id: 'ann', joined_at: new Date() }).execute();
      await open();
      await assert.rejects(open(), UNIQUE_VIOLATION);
      await db.insertInto('session_attendance').values({ session_id: sessionId, user_id: 'bob', joined_at: new Date() }).execute();
      await db
        .updateTable('session_attendance')
        .set({ left_at: new Date(Date.now() + 1000) })
        .where('user_id', '=', 'ann')
        .where('left_at', 'is', null)
        .execute();
      await open();
      const segments = await db.selectFrom('session_attendance').select(['left_at']).where('user_id', '=', 'ann').execute();
      assert.deepEqual(segments.map((s) => s.left_at === null).sort(), [false, true]);
    });

    test('a user answers a poll at most once', async () => {
      const poll = await db
        .insertInto('session_polls')
        .values({
          session_id: sessionId,
          created_by: 'mentor',
          question: 'Ready?',
          type: 'single',
          options: JSON.stringify(['yes', 'no']),
          correct_option: null,
          results_visibility: 'live',
          anonymous: false,
          status: 'open',
          closed_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const answer = (user: string, choice: number) =>
        db
          .insertInto('poll_responses')
          .values({ poll_id: poll.id, user_id: user, choice: JSON.stringify(choice), updated_at: new Date() })
          .execute();
      await answer('ann', 0);
      await assert.rejects(answer('ann', 1), UNIQUE_VIOLATION);
      await answer('bob', 1);
    });

    test('a user upvotes a question at most once', async () => {
      const question = await db
        .insertInto('session_qa')
        .values({
          session_id: sessionId,
          user_id: 'ann',
          question: 'Why?',
          anonymous: false,
          status: 'open',
          answer: null,
          answered_by: null,
          answered_at: null,
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const upvote = (user: string) => db.insertInto('qa_upvotes').values({ qa_id: question.id, user_id: user }).execute();
      await upvote('bob');
      await assert.rejects(upvote('bob'), UNIQUE_VIOLATION);
      await upvote('mentor');
    });

    test('check constraints reject an unknown status, a zero duration, leaving before joining and an admin roster role', async () => {
      await assert.rejects(insertSession(db, { status: 'bogus' }), CHECK_VIOLATION);
      await assert.rejects(insertSession(db, { duration_minutes: 0 }), CHECK_VIOLATION);
      await assert.rejects(
        db
          .insertInto('session_attendance')
          .values({ session_id: sessionId, user_id: 'bob', joined_at: '2026-12-01T10:00:00Z', left_at: '2026-12-01T09:59:59Z' })
          .execute(),
        CHECK_VIOLATION,
      );
      await assert.rejects(
        sql`INSERT INTO course_members (course_id, user_id, role) VALUES ('c1', 'ann', 'admin')`.execute(db),
        CHECK_VIOLATION,
      );
      // The same rows with legal values go in, so the rejections above came from the checks.
      await insertSession(db, { duration_minutes: 1 });
      await sql`INSERT INTO course_members (course_id, user_id, role) VALUES ('c1', 'ann', 'mentor')`.execute(db);
    });

    test('a time written with an offset reads back as the same instant', async () => {
      const id = await insertSession(db, { scheduled_start: '2026-06-01T12:00:00+05:30' });
      const row = await db.selectFrom('live_sessions').select('scheduled_start').where('id', '=', id).executeTakeFirstOrThrow();
      assert.ok(row.scheduled_start instanceof Date);
      assert.equal(row.scheduled_start.toISOString(), '2026-06-01T06:30:00.000Z');
      const matched = await db
        .selectFrom('live_sessions')
        .select('id')
        .where('scheduled_start', '=', new Date('2026-06-01T01:30:00-05:00'))
        .execute();
      assert.deepEqual(
        matched.map((r) => r.id),
        [id],
      );
    });

    test('every timestamp column is timestamptz', async () => {
      const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
        SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type LIKE 'timestamp%' AND table_name NOT LIKE 'kysely_%'`.execute(db);
      assert.ok(rows.length >= 20, `found ${rows.length} timestamp columns`);
      const naive = rows.filter((r) => r.data_type !== 'timestamp with time zone').map((r) => `${r.table_name}.${r.column_name}`);
      assert.deepEqual(naive, []);
    });

    test('running the migrations again applies nothing', async () => {
      assert.deepEqual(await migrateToLatest(db), []);
      const applied = await db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      assert.deepEqual(applied, [
        { name: '0001_initial' },
        { name: '0002_realtime' },
        { name: '0003_pending_broadcasts' },
        { name: '0004_meeting_jobs' },
        { name: '0005_event_retention' },
        { name: '0006_attendance_analytics' },
        { name: '0008_meeting_sync' },
        { name: '0009_poll_timers_quizzes' },
        { name: '0010_qa_moderation' },
        { name: '0011_hands_reactions' },
        { name: '0013_join_codes' },
        { name: '0014_meeting_job_claims' },
        { name: '0015_group_sets' },
        { name: '0016_breakouts' },
        { name: '0017_lti' },
        { name: '0018_webhooks' },
        { name: '0019_calendar_series' },
        { name: '0020_lti_grades' },
        { name: '0021_breakout_round_pending' },
        { name: '0022_lti_grade_refusals' },
      ]);
    });
  });
}

/** Inserts a session row straight into the table; `overrides` may carry values the types would refuse. */
async function insertSession(db: Db, overrides: Record<string, unknown> = {}): Promise<string> {
  const row = await db
    .insertInto('live_sessions')
    .values({
      course_id: 'c1',
      title: 'Schema test',
      description: null,
      mentor_id: 'mentor',
      scheduled_start: new Date(),
      duration_minutes: 60,
      status: 'scheduled',
      meeting_provider: 'jitsi',
      meeting_url: null,
      meeting_status: 'pending',
      meeting_error: null,
      last_seq: 0,
      updated_at: new Date(),
      ...overrides,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
