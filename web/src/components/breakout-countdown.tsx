import { useEffect, useState } from 'react';
import { type BreakoutRound, countdownText, isRunning } from '../lib/breakouts.ts';
import { serverNow } from '../lib/server-clock.ts';

/** Now by the server's clock, ticking every second while the round runs. */
export function useRoundNow(round: BreakoutRound | null): number {
  const [now, setNow] = useState(serverNow);
  const running = isRunning(round);
  useEffect(() => {
    if (!running) return;
    setNow(serverNow());
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

/**
 * "closes in 12:34" to the round's endsAt (which extend and shorten move), the same for everyone. A timer role, not a
 * live region: screen readers read it when asked; the closing warning is told once, as a notice.
 */
export function BreakoutCountdown({ round, now, prefix = 'closes in' }: { round: BreakoutRound; now: number; prefix?: string }) {
  const closing = round.status === 'closing';
  return (
    <span role="timer" className={`breakout-clock${closing ? ' breakout-clock-closing' : ''}`}>
      {prefix} {countdownText(round, now)}
    </span>
  );
}

/** The closing warning: the rooms are about to end and everyone goes back to the main class. */
export function ClosingWarning({ round, now }: { round: BreakoutRound; now: number }) {
  if (round.status !== 'closing') return null;
  return (
    <p className="breakout-warning">
      <strong>Closing:</strong> everyone goes back to the main class in {countdownText(round, now)}.
    </p>
  );
}
