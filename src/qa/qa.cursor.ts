import { INSTANT_KEY } from '../db/instants.ts';
import { uuid } from '../http/common.schemas.ts';
import type { QaCursor, QaSort } from './qa.repo.ts';

/** The cursor after a row: the sort it belongs to, its upvotes (votes order), exact creation instant and id. */
export function qaCursorOf(row: { upvotes: number; created_key: string; id: string }, sort: QaSort): unknown[] {
  return sort === 'votes' ? ['votes', Number(row.upvotes), row.created_key, row.id] : ['recent', row.created_key, row.id];
}

/** Accepts only a cursor we issued for this same sort order. */
export function parseQaCursor(value: unknown, sort: QaSort): QaCursor | null {
  if (!Array.isArray(value) || value[0] !== sort || value.length !== (sort === 'votes' ? 4 : 3)) return null;
  const [upvotes, at, id] = sort === 'votes' ? (value.slice(1) as unknown[]) : [0, ...(value.slice(1) as unknown[])];
  if (!Number.isSafeInteger(upvotes) || (upvotes as number) < 0) return null;
  if (typeof at !== 'string' || !INSTANT_KEY.test(at) || Number.isNaN(Date.parse(at)) || !uuid.safeParse(id).success) return null;
  return { sort, upvotes: upvotes as number, at, id: id as string };
}
