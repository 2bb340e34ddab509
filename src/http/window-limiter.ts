/**
 * Counts events per key in fixed windows: failed authentications per address, chat messages per user, … Memory stays
 * bounded: expired windows are swept once the map grows.
 */
export function createWindowLimiter(max: number, windowMs: number) {
  const windows = new Map<string, { count: number; resetAt: number }>();

  function sweep(now: number) {
    for (const [key, w] of windows) if (w.resetAt <= now) windows.delete(key);
  }

  return {
    /** Seconds the key must wait before trying again, or 0 while it is within budget. */
    retryAfter(key: string, now = Date.now()): number {
      const w = windows.get(key);
      return w && w.resetAt > now && w.count >= max ? Math.ceil((w.resetAt - now) / 1000) : 0;
    },
    /** Events recorded for the key in its current window. */
    count(key: string, now = Date.now()): number {
      const w = windows.get(key);
      return w && w.resetAt > now ? w.count : 0;
    },
    /** Records one event for the key. */
    record(key: string, now = Date.now()): void {
      if (windows.size >= 10_000) sweep(now);
      const w = windows.get(key);
      if (w && w.resetAt > now) w.count += 1;
      else windows.set(key, { count: 1, resetAt: now + windowMs });
    },
  };
}

/**
 * A named budget of events per key per window, wherever it is kept: in this process, or in Redis so that every node
 * of a cluster spends from the same one.
 */
export interface Budget {
  /** Seconds the key must wait before trying again, or 0 while it is within budget. */
  retryAfter(key: string): Promise<number>;
  /** Records one event for the key. */
  record(key: string): Promise<void>;
  /**
   * Records one event if the key is within budget (`wait` 0), else says the seconds to wait and whether this is the
   * key's first refusal in the window (the one worth auditing; the rest of a flood is not). Atomic.
   */
  spend(key: string): Promise<Spent>;
}

export interface Spent {
  wait: number;
  firstRefusal: boolean;
}

export type BudgetStore = (name: string, max: number, windowMs: number) => Budget;

/** Budgets kept in this process. */
export const localBudgets: BudgetStore = (_name, max, windowMs) => {
  const limiter = createWindowLimiter(max, windowMs);
  return {
    retryAfter: async (key) => limiter.retryAfter(key),
    record: async (key) => limiter.record(key),
    async spend(key) {
      const wait = limiter.retryAfter(key);
      // Refusals are counted too (the window does not move), so the first one is the count just past the budget.
      limiter.record(key);
      return { wait, firstRefusal: wait > 0 && limiter.count(key) === max + 1 };
    },
  };
};
