import type { Kysely, Updateable } from 'kysely';
import type { Database, LiveSessionRow, LiveSessionsTable, NewLiveSession, SessionStatus } from '../db/tables.ts';

/**
 * Inserts a session. Its join code is drawn by the database (migration 0013); on the rare collision with another
 * class's code the row is not written (ON CONFLICT DO NOTHING keeps the transaction usable) and a new code is drawn.
 */
export async function insertSession(db: Kysely<Database>, values: NewLiveSession): Promise<LiveSessionRow> {
  for (let attempt = 1; ; attempt++) {
    const row = await db
      .insertInto('live_sessions')
      .values(values)
      .onConflict((oc) => oc.column('join_code').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return row;
    if (attempt >= 5) throw new Error('No free join code after 5 draws');
  }
}

/**
 * Updates a session only while its status is one of `expectedStatuses`, so two concurrent transitions cannot both
 * win. Returns undefined when the status moved underneath the caller.
 */
export async function updateSessionIfStatus(
  db: Kysely<Database>,
  id: string,
  expectedStatuses: SessionStatus[],
  changes: Updateable<LiveSessionsTable>,
): Promise<LiveSessionRow | undefined> {
  // calendar_sequence: calendar feeds show the new version of a changed class (SEQUENCE, src/calendar).
  return db
    .updateTable('live_sessions')
    .set((eb) => ({ ...changes, updated_at: new Date(), calendar_sequence: eb('calendar_sequence', '+', 1) }))
    .where('id', '=', id)
    .where('status', 'in', expectedStatuses)
    .returningAll()
    .executeTakeFirst();
}

export interface SessionListFilter {
  /** Restrict to these courses; undefined means every course (admins). */
  courseIds?: string[];
  status?: SessionStatus;
  from?: Date;
  to?: Date;
  after?: { start: Date; id: string };
  limit: number;
}

/** Classes in start order, keyset-paginated on (scheduled_start, id). Breakout rooms are not listed: they belong to their class. */
export async function listSessions(db: Kysely<Database>, f: SessionListFilter): Promise<LiveSessionRow[]> {
  if (f.courseIds && f.courseIds.length === 0) return [];
  let q = db.selectFrom('live_sessions').selectAll().where('parent_session_id', 'is', null);
  if (f.courseIds) q = q.where('course_id', 'in', f.courseIds);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.from) q = q.where('scheduled_start', '>=', f.from);
  if (f.to) q = q.where('scheduled_start', '<', f.to);
  const after = f.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([eb('scheduled_start', '>', after.start), eb.and([eb('scheduled_start', '=', after.start), eb('id', '>', after.id)])]),
    );
  }
  return q.orderBy('scheduled_start').orderBy('id').limit(f.limit).execute();
}

/**
 * The session row, locked (FOR NO KEY UPDATE) until commit. Every change that appends events takes it first, as
 * ending the class does: nothing lands after the class ended or a feature was switched off, and lock order is one.
 */
export async function lockSession(db: Kysely<Database>, sessionId: string): Promise<LiveSessionRow | undefined> {
  return db.selectFrom('live_sessions').selectAll().where('id', '=', sessionId).forNoKeyUpdate().executeTakeFirst();
}

/** The class a join link's code names (codes are stored in lower case), or undefined; a breakout room has none. */
export async function findSessionIdByJoinCode(db: Kysely<Database>, joinCode: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('live_sessions')
    .select('id')
    .where('join_code', '=', joinCode.toLowerCase())
    .where('parent_session_id', 'is', null)
    .executeTakeFirst();
  return row?.id;
}
