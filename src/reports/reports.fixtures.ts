import { sql } from 'kysely';
/** Test factories for the report suites: classes held through the public API, then placed at known instants. */
import type { Course, TestApp } from '../test/harness.ts';
import { makeSession } from '../test/harness.ts';

export const MINUTE = 60_000;

export interface HeldClass {
  id: string;
  start: Date;
}

const call = async (t: TestApp, method: 'PUT' | 'POST', url: string, token: string, body?: unknown) => {
  const res = await t.request({ method, url, token, body });
  if (res.statusCode >= 300) throw new Error(`${method} ${url} failed: ${res.statusCode} ${res.body}`);
  return res.json();
};

/**
 * A 60-minute class that started at `start` and ended on time. `activity` runs while it is live, through the API (so
 * rows are written as in production); afterwards the class's times and the room stays are rewritten to the given
 * minutes after the start, so statuses can be computed by hand. `stays[userId]` replaces that user's segments.
 */
export async function heldClass(
  t: TestApp,
  c: Course,
  start: Date,
  stays: Record<string, [number, number][]>,
  activity: (sessionId: string) => Promise<void> = async () => {},
): Promise<HeldClass> {
  const s = await makeSession(t, c.mentor, c.courseId, { durationMinutes: 60, scheduledStart: start.toISOString() });
  // The class is set in the past: its students were on the roster then (a report counts only those who were).
  await t.db
    .updateTable('course_members')
    .set({ created_at: sql`least(created_at, ${start})` } as never)
    .where('course_id', '=', c.courseId)
    .execute();
  const url = `/api/live-sessions/${s.id}`;
  await call(t, 'PUT', url, c.mentor, { status: 'live' });
  await activity(s.id);
  await call(t, 'PUT', url, c.mentor, { status: 'completed' });
  await t.db
    .updateTable('live_sessions')
    .set({ actual_start: start, actual_end: new Date(start.getTime() + 60 * MINUTE) })
    .where('id', '=', s.id)
    .execute();
  for (const [userId, spans] of Object.entries(stays)) {
    await t.db.deleteFrom('session_attendance').where('session_id', '=', s.id).where('user_id', '=', userId).execute();
    for (const [from, to] of spans) {
      await t.db
        .insertInto('session_attendance')
        .values({
          session_id: s.id,
          user_id: userId,
          joined_at: new Date(start.getTime() + from * MINUTE),
          left_at: new Date(start.getTime() + to * MINUTE),
        })
        .execute();
    }
  }
  return { id: s.id, start };
}

export const joinMeeting = (t: TestApp, token: string, sessionId: string) => call(t, 'POST', `/api/live-sessions/${sessionId}/join`, token);
export const sendChat = (t: TestApp, token: string, sessionId: string, body: string) =>
  call(t, 'POST', `/api/live-sessions/${sessionId}/chat`, token, { body });
export const ask = (t: TestApp, token: string, sessionId: string, question: string, anonymous = false) =>
  call(t, 'POST', `/api/live-sessions/${sessionId}/qa`, token, { question, anonymous });

/**
 * A class that went live `minutesAgo` minutes ago (scheduled for 60) and is still live: its start is set back, so
 * stays can be placed at minutes after it.
 */
export async function liveClass(t: TestApp, c: Course, minutesAgo: number): Promise<HeldClass> {
  const start = new Date(Date.now() - minutesAgo * MINUTE);
  const s = await makeSession(t, c.mentor, c.courseId, { durationMinutes: 60, scheduledStart: start.toISOString() });
  await call(t, 'PUT', `/api/live-sessions/${s.id}`, c.mentor, { status: 'live' });
  await t.db.updateTable('live_sessions').set({ actual_start: start }).where('id', '=', s.id).execute();
  return { id: s.id, start };
}

/**
 * One room of a breakoutRound: its members (breakout_members) and its attendance stays (minutes after the start; an
 * end of null is a stay still open).
 */
export interface RoomPlan {
  name: string;
  members: string[];
  stays: Record<string, [number, number | null][]>;
}

/**
 * A breakout round of a held class written straight into the tables (as the breakouts service would leave it once
 * closed, or with `open`, while it runs): one child live session per room, the round, its rooms and memberships, and
 * each room's stays. Returns the room sessions' ids in room order.
 */
export async function breakoutRound(
  t: TestApp,
  held: HeldClass,
  openedAtMinute: number,
  rooms: RoomPlan[],
  { open = false } = {},
): Promise<string[]> {
  const minute = (m: number) => new Date(held.start.getTime() + m * MINUTE);
  const closedAt = open ? null : minute(openedAtMinute + 20);
  const parent = await t.db.selectFrom('live_sessions').selectAll().where('id', '=', held.id).executeTakeFirstOrThrow();
  const round = await t.db
    .insertInto('breakout_rounds')
    .values({
      session_id: held.id,
      assignment: 'manual',
      status: open ? 'open' : 'closed',
      duration_minutes: 20,
      opened_by: parent.mentor_id,
      opened_at: minute(openedAtMinute),
      ends_at: open ? new Date(Date.now() + 20 * MINUTE) : minute(openedAtMinute + 20),
      closed_at: closedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sessionIds: string[] = [];
  for (const [position, room] of rooms.entries()) {
    const session = await t.db
      .insertInto('live_sessions')
      .values({
        course_id: parent.course_id,
        parent_session_id: held.id,
        title: `${room.name} · ${parent.title}`,
        mentor_id: parent.mentor_id,
        scheduled_start: minute(openedAtMinute),
        duration_minutes: 20,
        status: open ? 'live' : 'completed',
        actual_start: minute(openedAtMinute),
        actual_end: closedAt,
        meeting_provider: 'manual',
        meeting_status: 'ready',
        updated_at: minute(openedAtMinute + 20),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await t.db
      .insertInto('breakout_rooms')
      .values({ round_id: round.id, position, name: room.name, session_id: session.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const userId of room.members) {
      await t.db.insertInto('breakout_members').values({ round_id: round.id, user_id: userId, room_id: row.id }).execute();
    }
    for (const [userId, spans] of Object.entries(room.stays)) {
      for (const [from, to] of spans) {
        await t.db
          .insertInto('session_attendance')
          .values({ session_id: session.id, user_id: userId, joined_at: minute(from), left_at: to === null ? null : minute(to) })
          .execute();
      }
    }
    sessionIds.push(session.id);
  }
  return sessionIds;
}
