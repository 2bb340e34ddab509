/**
 * Rounding for display, in one place: statuses and rates are decided on exact counts first, and only the numbers a
 * report shows (minutes, percentages, averages) are rounded, to one decimal, half away from zero.
 */
export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Milliseconds as minutes with one decimal. */
export const minutes1 = (ms: number): number => round1(ms / 60_000);

/** part / whole as a percentage with one decimal; null over nothing (a rate over an empty roster is not 0). */
export function percentOrNull(part: number, whole: number): number | null {
  return whole > 0 ? round1((part * 100) / whole) : null;
}

/** The median (the mean of the two middle values for an even count); 0 for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
