import { useEffect, useState } from 'react';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { serverNow } from '../lib/server-clock.ts';
import { timerText } from '../lib/timer-text.ts';

/**
 * The class timer in the header: elapsed time of a live class (from its actual start), "starts in …" before it, by
 * the server's clock. A `timer` role is not a live region, so a screen reader reads it when asked, not every second.
 */
export function ClassTimer({ session }: { session: SessionDto }) {
  const [now, setNow] = useState(serverNow);
  const ticking = session.status === 'live' || session.status === 'scheduled';
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  const text = timerText(session, now);
  if (!text) return null;
  return (
    <p role="timer" className={`class-timer class-timer-${session.status}`}>
      {text}
    </p>
  );
}
