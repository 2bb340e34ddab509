import { useCallback, useState } from 'react';
import { ApiError } from '../lib/api.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import type { Classroom } from '../lib/classroom.ts';

/**
 * One user action (send, vote, close…): whether it is in flight and the error it last ended with, so every form and
 * button reports failures the same way, beside itself.
 */
export function useAction() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setPending(true);
    setError(null);
    try {
      return await action();
    } catch (err) {
      setError(toApiError(err));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  const fail = useCallback((message: string) => setError(new ApiError(0, 'INVALID_INPUT', message)), []);
  return { pending, error, run, fail, clear: () => setError(null) };
}

export function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'UNKNOWN', err instanceof Error ? err.message : String(err));
}

/**
 * The socket room, or an error the action shows: the hook hands out `null` until its effect has opened the socket.
 */
export function connected(room: Classroom | null): Classroom {
  if (!room) throw new ApiError(0, 'NOT_CONNECTED', 'Not connected to the class yet; try again in a moment.');
  return room;
}

/** An action's failure, announced at once (role="alert") and rendered as text. */
export function ActionError({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error.message}
    </p>
  );
}

/**
 * Why a feature cannot be used right now, said beside its form before anyone tries (the server still decides, and
 * its refusal is shown too).
 */
export function closedBecause(session: SessionDto, enabled: boolean, feature: string): string | null {
  if (session.status === 'completed' || session.status === 'cancelled') return `The class has ended; ${feature} is closed.`;
  if (!enabled) return `${feature} is turned off for this class.`;
  if (session.status === 'scheduled') return `${feature} opens when the class starts.`;
  return null;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** A timestamp in the viewer's time zone, machine-readable for assistive tech. */
export function ClassTime({ at }: { at: string }) {
  return (
    <time dateTime={at} className="class-time">
      {timeFormat.format(new Date(at))}
    </time>
  );
}
