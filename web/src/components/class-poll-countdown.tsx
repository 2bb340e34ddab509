import { useEffect, useState } from 'react';

/** The time now, ticking every second while `until` is in the future (and once more when it passes). */
export function useNow(until: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const end = Date.parse(until);
    if (Date.now() >= end) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= end) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [until]);
  return now;
}

const clock = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * The poll's countdown, the same for everyone (the server's `closesAt`). A timer role, so screen readers do not
 * announce every second; the last ten seconds and "time's up" are announced once each, politely.
 */
export function PollCountdown({ closesAt, now }: { closesAt: string; now: number }) {
  const left = Date.parse(closesAt) - now;
  const ending = left <= 10_000;
  return (
    <p className={`class-countdown${ending ? ' class-countdown-ending' : ''}`}>
      <span role="timer" aria-label={`Time left: ${clock(left)}`}>
        {left > 0 ? `Time left ${clock(left)}` : "Time's up"}
      </span>
      <span className="visually-hidden" aria-live="polite">
        {left <= 0 ? "Time's up: answers are locked." : ending ? 'Ten seconds left.' : ''}
      </span>
    </p>
  );
}
