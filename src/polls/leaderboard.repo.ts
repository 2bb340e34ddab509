import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';

/** Students who opted in to the session's leaderboard: nickname null means "by my name". */
export async function listPlayers(db: Kysely<Database>, sessionId: string): Promise<Map<string, string | null>> {
  const rows = await db.selectFrom('quiz_players').select(['user_id', 'nickname']).where('session_id', '=', sessionId).execute();
  return new Map(rows.map((r) => [r.user_id, r.nickname]));
}

/** Opts a student in (nickname null: by name), or out (`undefined`). */
export async function savePlayer(db: Kysely<Database>, sessionId: string, userId: string, nickname: string | null | undefined) {
  if (nickname === undefined) {
    await db.deleteFrom('quiz_players').where('session_id', '=', sessionId).where('user_id', '=', userId).execute();
    return;
  }
  await db
    .insertInto('quiz_players')
    .values({ session_id: sessionId, user_id: userId, nickname })
    .onConflict((oc) => oc.columns(['session_id', 'user_id']).doUpdateSet({ nickname, updated_at: new Date() }))
    .execute();
}

export async function isBoardShown(db: Kysely<Database>, sessionId: string): Promise<boolean> {
  const row = await db.selectFrom('quiz_leaderboards').select('shown').where('session_id', '=', sessionId).executeTakeFirst();
  return row?.shown ?? false;
}

/** Shows or hides the board; a hidden board owes the room nothing. */
export async function setBoardShown(db: Kysely<Database>, sessionId: string, shown: boolean): Promise<void> {
  await db
    .insertInto('quiz_leaderboards')
    .values({ session_id: sessionId, shown, broadcast_pending: false })
    .onConflict((oc) => oc.column('session_id').doUpdateSet({ shown, broadcast_pending: false, updated_at: new Date() }))
    .execute();
}

/** The shown board changed (a quiz closed, a student opted in): its refresh is owed. False when it is not shown. */
export async function markBoardPending(db: Kysely<Database>, sessionId: string, pending: boolean): Promise<boolean> {
  const row = await db
    .updateTable('quiz_leaderboards')
    .set({ broadcast_pending: pending })
    .where('session_id', '=', sessionId)
    .where((eb) => (pending ? eb('shown', '=', true) : eb.val(true)))
    .returning('session_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Boards whose refresh was still owed when the process stopped. */
export async function listPendingBoards(db: Kysely<Database>): Promise<{ sessionId: string; id: string }[]> {
  return db
    .selectFrom('quiz_leaderboards')
    .select(['session_id as sessionId', 'session_id as id'])
    .where('broadcast_pending', '=', true)
    .execute();
}
