import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { instantKey, instantParam, writeInstant } from '../db/instants.ts';
import type { Database, SessionQaTable } from '../db/tables.ts';

export type QuestionRow = Selectable<SessionQaTable>;

/** A question with its author's name and roles (null for anonymous questions), for presenting. */
export type QuestionView = QuestionRow & {
  author_name: string | null;
  token_role: string | null;
  roster_role: string | null;
};

/** Inserts a question stamped with the write instant; call it under the session lock. */
export async function insertQuestion(db: Kysely<Database>, values: Omit<Insertable<SessionQaTable>, 'created_at'>): Promise<QuestionRow> {
  return db
    .insertInto('session_qa')
    .values({ ...values, created_at: writeInstant() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findQuestion(db: Kysely<Database>, id: string): Promise<QuestionRow | undefined> {
  return db.selectFrom('session_qa').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Questions joined to their authors; the roster role is looked up in the question's own course. */
function questionViews(db: Kysely<Database>) {
  return db
    .selectFrom('session_qa as q')
    .innerJoin('live_sessions as s', 's.id', 'q.session_id')
    .leftJoin('users as u', 'u.id', 'q.user_id')
    .leftJoin('course_members as cm', (join) => join.onRef('cm.user_id', '=', 'q.user_id').onRef('cm.course_id', '=', 's.course_id'))
    .selectAll('q')
    .select(['u.name as author_name', 'u.role as token_role', 'cm.role as roster_role']);
}

export async function findQuestionView(db: Kysely<Database>, id: string): Promise<QuestionView | undefined> {
  return questionViews(db).where('q.id', '=', id).executeTakeFirst();
}

/**
 * Marks a question answered (again, possibly with a new answer), which also ends "answering now" for it; undefined
 * when it is not open or answered any more (dismissed meanwhile).
 */
export async function markAnswered(db: Kysely<Database>, id: string, answer: string | null, by: string, at: Date) {
  return db
    .updateTable('session_qa')
    .set({ status: 'answered', answer, answered_by: by, answered_at: at, updated_at: at, answering: false })
    .where('id', '=', id)
    .where('status', 'in', ['open', 'answered'])
    .returning('id')
    .executeTakeFirst();
}

/** Dismisses an open or answered question (no longer "answering now"); undefined when it is not either any more. */
export async function markDismissed(db: Kysely<Database>, id: string, at: Date) {
  return db
    .updateTable('session_qa')
    .set({ status: 'dismissed', updated_at: at, answering: false })
    .where('id', '=', id)
    .where('status', 'in', ['open', 'answered'])
    .returning('id')
    .executeTakeFirst();
}

/** Approves (`open`) or rejects a question waiting for review; undefined when it was reviewed meanwhile. */
export async function markReviewed(db: Kysely<Database>, id: string, status: 'open' | 'rejected', at: Date) {
  return db
    .updateTable('session_qa')
    .set({ status, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning('id')
    .executeTakeFirst();
}

/** How many of the session's questions wait for review. */
export async function countPending(db: Kysely<Database>, sessionId: string): Promise<number> {
  const row = await db
    .selectFrom('session_qa')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('session_id', '=', sessionId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The question being answered now in the session, if any. */
export async function findAnswering(db: Kysely<Database>, sessionId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('session_qa')
    .select('id')
    .where('session_id', '=', sessionId)
    .where('answering', '=', true)
    .executeTakeFirst();
  return row?.id;
}

/** Makes `qaId` the one question answered now (null: none); call it under the session lock. */
export async function setAnswering(db: Kysely<Database>, sessionId: string, qaId: string | null): Promise<void> {
  await db.updateTable('session_qa').set({ answering: false }).where('session_id', '=', sessionId).where('answering', '=', true).execute();
  if (qaId) await db.updateTable('session_qa').set({ answering: true }).where('id', '=', qaId).execute();
}

/** Questions that left the students' view (dismissed, rejected), with why. */
export async function listHiddenQuestions(db: Kysely<Database>, sessionId: string): Promise<Map<string, 'dismissed' | 'rejected'>> {
  const rows = await db
    .selectFrom('session_qa')
    .select(['id', 'status'])
    .where('session_id', '=', sessionId)
    .where('status', 'in', ['dismissed', 'rejected'])
    .execute();
  return new Map(rows.map((r) => [r.id, r.status as 'dismissed' | 'rejected']));
}

export type QaSort = 'votes' | 'recent';
/** Where the previous page ended: upvotes only for the votes order. */
export interface QaCursor {
  sort: QaSort;
  upvotes: number;
  /** created_at as exact text (microseconds). */
  at: string;
  id: string;
}

/**
 * A session's questions with whether the viewer upvoted each, keyset-paginated. votes: upvotes desc, then oldest
 * first; recent: newest first.
 */
export async function listQuestions(
  db: Kysely<Database>,
  f: {
    sessionId: string;
    viewerId: string;
    /** Managers see every question; anyone else open and answered ones, and their own waiting for review. */
    manages: boolean;
    sort: QaSort;
    status?: QuestionRow['status'];
    after?: QaCursor;
    limit: number;
  },
): Promise<(QuestionView & { upvoted_by_me: boolean; created_key: string })[]> {
  let q = questionViews(db)
    .leftJoin('qa_upvotes as mine', (join) => join.onRef('mine.qa_id', '=', 'q.id').on('mine.user_id', '=', f.viewerId))
    .select(sql<boolean>`mine.user_id IS NOT NULL`.as('upvoted_by_me'))
    .select(instantKey('q.created_at').as('created_key'))
    .where('q.session_id', '=', f.sessionId);
  if (f.status) q = q.where('q.status', '=', f.status);
  if (!f.manages) {
    q = q.where((eb) =>
      eb.or([eb('q.status', 'in', ['open', 'answered']), eb.and([eb('q.status', '=', 'pending'), eb('q.asked_by', '=', f.viewerId)])]),
    );
  }
  const after = f.after;
  const at = after && instantParam(after.at);
  if (f.sort === 'votes') {
    if (after && at) {
      q = q.where((eb) =>
        eb.or([
          eb('q.upvotes', '<', after.upvotes),
          eb.and([eb('q.upvotes', '=', after.upvotes), eb('q.created_at', '>', at)]),
          eb.and([eb('q.upvotes', '=', after.upvotes), eb('q.created_at', '=', at), eb('q.id', '>', after.id)]),
        ]),
      );
    }
    q = q.orderBy('q.upvotes', 'desc').orderBy('q.created_at', 'asc').orderBy('q.id', 'asc');
  } else {
    if (after && at) {
      q = q.where((eb) => eb.or([eb('q.created_at', '<', at), eb.and([eb('q.created_at', '=', at), eb('q.id', '<', after.id)])]));
    }
    q = q.orderBy('q.created_at', 'desc').orderBy('q.id', 'desc');
  }
  return q.limit(f.limit).execute();
}

/** Questions among these ids that still take upvotes. */
export async function openQuestionIds(db: Kysely<Database>, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('session_qa').select('id').where('id', 'in', ids).where('status', '=', 'open').execute();
  return new Set(rows.map((r) => r.id));
}

export interface UpvotePair {
  qaId: string;
  userId: string;
}

/** Which of these (question, user) pairs are upvoted now. */
export async function existingUpvotes(db: Kysely<Database>, pairs: UpvotePair[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await db
    .selectFrom('qa_upvotes')
    .select(['qa_id', 'user_id'])
    .where('qa_id', 'in', [...new Set(pairs.map((p) => p.qaId))])
    .where('user_id', 'in', [...new Set(pairs.map((p) => p.userId))])
    .execute();
  return new Set(rows.map((r) => upvoteKey({ qaId: r.qa_id, userId: r.user_id })));
}

export const upvoteKey = (p: UpvotePair): string => `${p.qaId} ${p.userId}`;

export async function addUpvotes(db: Kysely<Database>, pairs: UpvotePair[]): Promise<void> {
  if (pairs.length === 0) return;
  await db
    .insertInto('qa_upvotes')
    .values(pairs.map((p) => ({ qa_id: p.qaId, user_id: p.userId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function removeUpvotes(db: Kysely<Database>, pairs: UpvotePair[]): Promise<void> {
  if (pairs.length === 0) return;
  await db
    .deleteFrom('qa_upvotes')
    .where((eb) => eb.or(pairs.map((p) => eb.and([eb('qa_id', '=', p.qaId), eb('user_id', '=', p.userId)]))))
    .execute();
}

/** Recounts the upvotes of these questions from qa_upvotes (exact, whatever happened before) and returns them. */
export async function recountUpvotes(db: Kysely<Database>, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .updateTable('session_qa')
    .set((eb) => ({
      upvotes: eb.selectFrom('qa_upvotes').select(eb.fn.countAll<number>().as('n')).whereRef('qa_upvotes.qa_id', '=', 'session_qa.id'),
      broadcast_pending: true,
    }))
    .where('id', 'in', ids)
    .returning(['id', 'upvotes'])
    .execute();
  return new Map(rows.map((r) => [r.id, Number(r.upvotes)]));
}

/** Marks the question's count as broadcast, in the transaction that appends its qa:updated. */
export async function clearBroadcastPending(db: Kysely<Database>, qaId: string): Promise<void> {
  await db.updateTable('session_qa').set({ broadcast_pending: false }).where('id', '=', qaId).execute();
}

/** Questions whose qa:updated was still owed when the process stopped. */
export async function listPendingBroadcasts(db: Kysely<Database>): Promise<{ sessionId: string; id: string }[]> {
  return db.selectFrom('session_qa').select(['session_id as sessionId', 'id']).where('broadcast_pending', '=', true).execute();
}
