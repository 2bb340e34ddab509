import type { SeriesWithSessions } from './queries.ts';
import { repeatLabel } from './series-rule.ts';

export type Scope = 'one' | 'following';

/** Where a class stands in its series, for its quiet label and for the counts its scoped actions name. */
export interface SeriesPlace {
  /** "Weekly · 3 of 12". */
  label: string;
  timezone: string;
  /** Scheduled classes from this one on, itself included: what "this and following" changes. */
  following: number;
}

/** The class's place in its series, or null when the series does not list it (not read yet, or another series). */
export function seriesPlace(data: SeriesWithSessions, sessionId: string): SeriesPlace | null {
  const index = data.sessions.findIndex((s) => s.id === sessionId);
  if (index < 0) return null;
  return {
    label: `${repeatLabel(data.series.rrule)} · ${index + 1} of ${data.sessions.length}`,
    timezone: data.series.timezone,
    following: data.sessions.slice(index).filter((s) => s.status === 'scheduled').length,
  };
}

const classes = (n: number) => (n === 1 ? '1 class' : `${n} classes`);

/** How many classes a scope touches, as a button or a radio names it. */
export const scopeCount = (scope: Scope, place: SeriesPlace) => (scope === 'one' ? 1 : place.following);

/**
 * What a mentor hears after a scoped change: how many classes changed, and which were left as they were (live or
 * ended ones, or one that went live meanwhile), since the server changes scheduled classes only.
 */
export function describeSeriesChange(
  verb: 'changed' | 'cancelled',
  title: string,
  reply: { sessions: unknown[]; skipped: { status: string }[] },
): string {
  const done = `${classes(reply.sessions.length)} of “${title}” ${reply.sessions.length === 1 ? 'was' : 'were'} ${verb}.`;
  if (reply.skipped.length === 0) return done;
  const byStatus = new Map<string, number>();
  for (const s of reply.skipped) byStatus.set(s.status, (byStatus.get(s.status) ?? 0) + 1);
  const why = [...byStatus].map(([status, n]) => `${n} ${status === 'scheduled' ? 'started meanwhile' : status}`).join(', ');
  return `${done} ${classes(reply.skipped.length)} left as ${reply.skipped.length === 1 ? 'it was' : 'they were'} (${why}): only scheduled classes change.`;
}
