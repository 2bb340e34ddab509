import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { MeetSegment } from './meet-attendance.ts';

type Q = Kysely<Database>;

/**
 * Owes a meeting-attendance sync for the session (a new job, or the existing one made due again with a fresh
 * count) and marks the session `pending`. In the caller's transaction, so a class never ends without its sync owed.
 */
export async function oweMeetSync(db: Q, sessionId: string, meetingCode: string) {
  await db
    .insertInto('meeting_jobs')
    .values({ session_id: sessionId, operation: 'sync', provider: 'google', external_id: meetingCode })
    .onConflict((oc) =>
      oc.column('session_id').where('operation', '=', 'sync').doUpdateSet({
        external_id: meetingCode,
        version: sql`meeting_jobs.version + 1`,
        attempts: 0,
        run_at: sql`now()`,
        last_error: null,
      }),
    )
    .execute();
  await db
    .updateTable('live_sessions')
    .set({ meeting_sync_status: 'pending', meeting_sync_error: null })
    .where('id', '=', sessionId)
    .execute();
}

/** Every course member with an email, by lower-cased email: who a signed-in Meet participant can be matched to. */
export async function memberEmails(db: Q, courseId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('course_members')
    .innerJoin('users', 'users.id', 'course_members.user_id')
    .select(['users.id', 'users.email'])
    .where('course_members.course_id', '=', courseId)
    .where('users.email', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [(r.email as string).toLowerCase(), r.id]));
}

/** The session's meeting segments become exactly `segments` (in the caller's transaction: all or nothing). */
export async function replaceMeetSegments(db: Q, sessionId: string, segments: MeetSegment[]) {
  await db.deleteFrom('meeting_participant_segments').where('session_id', '=', sessionId).execute();
  // Chunks keep each statement's bind parameters well under PostgreSQL's 65,535.
  for (let i = 0; i < segments.length; i += 1000) {
    await db
      .insertInto('meeting_participant_segments')
      .values(
        segments.slice(i, i + 1000).map((s) => ({
          session_id: sessionId,
          user_id: s.userId,
          participant: s.participant.slice(0, 500),
          display_name: s.displayName?.slice(0, 500) ?? null,
          email: s.email && s.email.length <= 320 ? s.email : null,
          joined_at: s.joinedAt,
          left_at: s.leftAt,
        })),
      )
      .execute();
  }
}

export type MeetSyncState = { status: 'pending' | 'done' | 'failed'; error: string | null };

/** Records where the sync stands; `done` also stamps `meeting_synced_at`. */
export async function setMeetSyncState(db: Q, sessionId: string, state: MeetSyncState) {
  await db
    .updateTable('live_sessions')
    .set({
      meeting_sync_status: state.status,
      meeting_sync_error: state.error?.slice(0, 2000) ?? null,
      ...(state.status === 'done' && { meeting_synced_at: sql<Date>`now()` }),
    })
    .where('id', '=', sessionId)
    .execute();
}
