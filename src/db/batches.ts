/**
 * Rows per multi-row INSERT. PostgreSQL's protocol caps a statement at 65,535 parameters and PGlite fails well below
 * that (about 32k), so bulk writes are cut into statements of this many rows.
 */
export const ROWS_PER_STATEMENT = 1000;

export function inBatches<T>(items: T[], size = ROWS_PER_STATEMENT): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
