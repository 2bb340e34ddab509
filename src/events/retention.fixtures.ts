/** Test factories for the retention suites: a class that ran and ended some days ago, through the public API. */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { Db } from '../db/kysely.ts';
import { liveSession, pollIn, vote } from '../polls/polls.fixtures.ts';
import type { Course, TestApp } from '../test/harness.ts';

const DAY = 86_400_000;

/** The rows in the session's event log now. */
export async function eventCount(db: Db, sessionId: string): Promise<number> {
  const row = await db
    .selectFrom('session_events')
    .select((e) => e.fn.countAll().as('n'))
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Moves a session's end (and start) `daysAgo` days back, as if it had ended then. */
export async function backdate(db: Db, sessionId: string, daysAgo: number): Promise<void> {
  const at = new Date(Date.now() - daysAgo * DAY);
  await sql`UPDATE live_sessions SET updated_at = ${at},
              actual_start = CASE WHEN actual_start IS NULL THEN NULL ELSE ${at}::timestamptz - interval '1 hour' END,
              actual_end = CASE WHEN actual_end IS NULL THEN NULL ELSE ${at}::timestamptz END
            WHERE id = ${sessionId}`.execute(db);
}

/** A class that ran: attendance, chat, a question and a poll with a vote, then ended `daysAgo` days ago. */
export async function classThatEnded(t: TestApp, c: Course, daysAgo: number) {
  const api = (method: 'POST' | 'PUT', url: string, token: string, body?: unknown) => t.request({ method, url, token, body });
  const s = await liveSession(t, c);
  assert.equal((await api('POST', `/api/live-sessions/${s.id}/join`, c.student)).statusCode, 200);
  for (let i = 0; i < 12; i++)
    assert.equal((await api('POST', `/api/live-sessions/${s.id}/chat`, c.student, { body: `message ${i}` })).statusCode, 201);
  assert.equal((await api('POST', `/api/live-sessions/${s.id}/qa`, c.student, { question: 'Why BFS?' })).statusCode, 201);
  const pollId = await pollIn(t, c, s.id);
  assert.equal((await vote(t, c.student, s.id, pollId, 1)).statusCode, 200);
  assert.equal((await api('PUT', `/api/live-sessions/${s.id}`, c.mentor, { status: 'completed' })).statusCode, 200);
  await backdate(t.db, s.id, daysAgo);
  return { id: s.id, events: await eventCount(t.db, s.id), pollId };
}
