import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';

/** h:mm:ss, or m:ss under an hour. */
export function clockText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "in 5 min", "in 2 h 10 min", "in 3 days": coarse on purpose, as a schedule reads. */
export function startsInText(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes <= 1) return 'in less than a minute';
  if (minutes < 60) return `in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `in ${Math.floor(hours / 24)} days`;
}

/** The timer's text for a session at `now` (server clock), or null when there is nothing to count. */
export function timerText(session: SessionDto, now: number): string | null {
  if (session.status === 'live' && session.actualStart) return `Elapsed ${clockText(now - Date.parse(session.actualStart))}`;
  if (session.status === 'scheduled') {
    const until = Date.parse(session.scheduledStart) - now;
    return until > 0 ? `Starts ${startsInText(until)}` : 'Waiting for the mentor to start';
  }
  if (session.status === 'completed' && session.actualStart && session.actualEnd) {
    return `Lasted ${clockText(Date.parse(session.actualEnd) - Date.parse(session.actualStart))}`;
  }
  return null;
}
