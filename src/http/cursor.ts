import { AppError } from '../errors.ts';

/** Opaque pagination cursors: base64url JSON, so clients never build them by hand. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a cursor and checks its shape with `accept`, which returns null for anything foreign. */
export function decodeCursor<T>(cursor: string, accept: (value: unknown) => T | null): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const accepted = value === undefined ? null : accept(value);
  if (accepted === null) throw new AppError('INVALID_CURSOR', 'The cursor is not one this API issued');
  return accepted;
}

/**
 * Turns `limit + 1` rows into a page: the first `limit` items and, when there were more, the cursor of the last one.
 * Repositories are asked for one row more than the page so that "is there a next page" costs no extra query.
 */
export function toPage<Row, Item>(rows: Row[], limit: number, present: (row: Row) => Item, cursorOf: (row: Row) => unknown) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(present), nextCursor: rows.length > limit && last ? encodeCursor(cursorOf(last)) : null };
}
