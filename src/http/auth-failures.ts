/**
 * Counts failed authentications per client address in fixed windows. The per-user rate limit cannot see these
 * (there is no user yet), and each one writes an audit row, so further failures from an address past its budget
 * are answered 429 without that write. Memory stays bounded: expired windows are swept once the map grows.
 */
export function createAuthFailureLimiter(max: number, windowMs: number) {
  const windows = new Map<string, { count: number; resetAt: number }>();

  function sweep(now: number) {
    for (const [key, w] of windows) if (w.resetAt <= now) windows.delete(key);
  }

  return {
    /** Seconds the address must wait before trying again, or 0 while it is within budget. */
    retryAfter(ip: string, now = Date.now()): number {
      const w = windows.get(ip);
      return w && w.resetAt > now && w.count >= max ? Math.ceil((w.resetAt - now) / 1000) : 0;
    },
    /** Records one failure for the address. */
    record(ip: string, now = Date.now()): void {
      if (windows.size >= 10_000) sweep(now);
      const w = windows.get(ip);
      if (w && w.resetAt > now) w.count += 1;
      else windows.set(ip, { count: 1, resetAt: now + windowMs });
    },
  };
}
