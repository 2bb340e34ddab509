import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import { dbTargets, freshDatabase } from '../test/harness.ts';
import { loadMyReportInput } from './my-report-loader.ts';
import { loadReportInput } from './report-loader.ts';
import {
  countCompletedClasses,
  listChatForCsv,
  listCompletedClasses,
  listMeetingGuestStays,
  listQuestionsForCsv,
  listRosterStudents,
} from './reports.repo.ts';
import { DEFAULT_RULES } from './rules.ts';

// Every query a report makes must be able to reach its session's rows through an index: with sequential scans
// switched off, PostgreSQL plans one only where no index applies, so a "Seq Scan" in any plan means the report would
// read other classes' rows. (The benchmark checks the plans at scale, where the planner's own choice is what runs.)
const targets = await dbTargets('report query plans');

describe('report query plans on postgres', { skip: !targets.includes('postgres') && 'PostgreSQL unreachable' }, () => {
  let url: string;
  let drop: () => Promise<void>;
  before(async () => {
    const fresh = await freshDatabase('postgres');
    url = fresh.url as string;
    drop = fresh.drop;
  });
  after(() => drop());

  test('no query of the session or course report plans a sequential scan', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const queries: CompiledQuery[] = [];
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log: (event) => {
        if (event.level === 'query') queries.push(event.query);
      },
    });
    try {
      // Plans, not rows, are under test: an empty schema and a session that is only an id will do.
      const session = { id: '00000000-0000-4000-8000-000000000001', course_id: 'course-1', meeting_sync_status: 'none' } as LiveSessionRow;
      const roster = await listRosterStudents(db, session.course_id);
      await loadReportInput(db, session, DEFAULT_RULES, roster, new Date());
      await listChatForCsv(db, session.id);
      await listQuestionsForCsv(db, session.id);
      await listCompletedClasses(db, session.course_id, new Date(0), new Date());
      await countCompletedClasses(db, session.course_id, new Date(0), new Date());
      await listMeetingGuestStays(db, session.id);
      // A student's own report: their rows by (session, user), the class's poll tallies grouped per poll.
      await loadMyReportInput(db, session, DEFAULT_RULES, { userId: 'course-1-s1', name: 'Sam', email: null }, new Date());
      assert.ok(queries.length >= 21);
      const client = await pool.connect();
      try {
        await client.query('SET enable_seqscan = off');
        for (const q of queries) {
          const plan = await client.query(`EXPLAIN ${q.sql}`, q.parameters as unknown[]);
          const text = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
          assert.doesNotMatch(text, /Seq Scan/, `${q.sql}\n${text}`);
        }
      } finally {
        client.release();
      }
    } finally {
      await db.destroy();
    }
  });
});
