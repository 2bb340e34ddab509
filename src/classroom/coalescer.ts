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
    /** The app is closing: runs every pending flush now (nothing owed is dropped) and refuses new marks. */
    async stop(): Promise<void> {
      stopped = true;
      const keys = [...timers.keys()];
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      await Promise.all(keys.map((key) => flush(key).catch(() => {})));
    },
  };
}
