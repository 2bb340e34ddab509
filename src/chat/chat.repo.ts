import type { Insertable, Kysely, Selectable } from 'kysely';
import { instantKey, instantParam, writeInstant } from '../db/instants.ts';
import type { Database, LiveSessionRow, SessionChatTable } from '../db/tables.ts';

export type ChatRow = Selectable<SessionChatTable>;

/** A message with what its author is called and their roles, for listings. */
export interface ChatListRow {
  id: string;
  type: ChatRow['type'];
  body: string;
  user_id: string;
  created_at: Date;
  /** created_at as exact text, for the cursor. */
  created_key: string;
  author_name: string;
  token_role: string | null;
  roster_role: string | null;
}

/** Inserts a message stamped with the write instant; call it under the session lock. */
export async function insertMessage(db: Kysely<Database>, values: Omit<Insertable<SessionChatTable>, 'created_at'>): Promise<ChatRow> {
  return db
    .insertInto('session_chat')
    .values({ ...values, created_at: writeInstant() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A message that has not been deleted. */
export async function findMessage(db: Kysely<Database>, id: string): Promise<ChatRow | undefined> {
  return db.selectFrom('session_chat').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

/** Soft-deletes a message; false when it was already gone. */
export async function softDeleteMessage(db: Kysely<Database>, id: string, by: string, at: Date): Promise<boolean> {
  const row = await db
    .updateTable('session_chat')
    .set({ deleted_at: at, deleted_by: by })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** The newest messages (deleted ones left out) before `before`, newest first, keyset-paginated on (created_at, id). */
export async function listMessages(
  db: Kysely<Database>,
  session: Pick<LiveSessionRow, 'id' | 'course_id'>,
  before: { at: string; id: string } | undefined,
  limit: number,
): Promise<ChatListRow[]> {
  let q = db
    .selectFrom('session_chat as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('course_members as cm', (join) => join.onRef('cm.user_id', '=', 'm.user_id').on('cm.course_id', '=', session.course_id))
    .select([
      'm.id',
      'm.type',
      'm.body',
      'm.user_id',
      'm.created_at',
      'u.name as author_name',
      'u.role as token_role',
      'cm.role as roster_role',
    ])
    .select(instantKey('m.created_at').as('created_key'))
    .where('m.session_id', '=', session.id)
    .where('m.deleted_at', 'is', null);
  if (before) {
    q = q.where((eb) =>
      eb.or([
        eb('m.created_at', '<', instantParam(before.at)),
        eb.and([eb('m.created_at', '=', instantParam(before.at)), eb('m.id', '<', before.id)]),
      ]),
    );
  }
  return q.orderBy('m.created_at', 'desc').orderBy('m.id', 'desc').limit(limit).execute();
}
