/**
 * Coalesces bursts into a bounded rate: after the first `mark(key)`, `flush(key)` runs once `intervalMs` later,
 * whatever number of marks arrived meanwhile. A vote burst on one poll becomes a few results broadcasts per second,
 * never one per vote. Marks during a running flush schedule one more.
 */
export function createCoalescer(intervalMs: number, flush: (key: string) => Promise<void>) {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  return {
    mark(key: string): void {
      if (stopped || timers.has(key)) return;
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          void flush(key).catch(() => {});
        }, intervalMs),
      );
    },
    /** Drops pending flushes and refuses new ones: the app is closing. */
    stop(): void {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
