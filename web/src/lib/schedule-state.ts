import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';

/**
 * Where a session stands on the schedule, as a reader means it: the API's status plus the clock, because a class
 * that was never started stays `scheduled` forever, yet once its planned end has passed it did not take place.
 */
export type ScheduleState = 'live' | 'upcoming' | 'missed' | 'completed' | 'cancelled';

export const SCHEDULE_LABEL: Record<ScheduleState, string> = {
  live: 'Live now',
  upcoming: 'Scheduled',
  missed: 'Did not take place',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/** When a session ends as planned, in epoch milliseconds. */
const plannedEndMs = (s: Pick<SessionDto, 'scheduledStart' | 'durationMinutes'>) =>
  Date.parse(s.scheduledStart) + s.durationMinutes * 60_000;

export function scheduleState(s: Pick<SessionDto, 'status' | 'scheduledStart' | 'durationMinutes'>, now: number): ScheduleState {
  if (s.status === 'scheduled') return plannedEndMs(s) <= now ? 'missed' : 'upcoming';
  return s.status;
}

/**
 * The schedule's three sections: live classes first (the one thing to act on now), then upcoming ones in start
 * order, then the past newest first, where a class that never started is listed too, as such.
 */
export function splitSchedule<S extends Pick<SessionDto, 'status' | 'scheduledStart' | 'durationMinutes'>>(sessions: S[], now: number) {
  const live: S[] = [];
  const upcoming: S[] = [];
  const past: S[] = [];
  for (const s of sessions) {
    const state = scheduleState(s, now);
    (state === 'live' ? live : state === 'upcoming' ? upcoming : past).push(s);
  }
  const byStart = (a: S, b: S) => a.scheduledStart.localeCompare(b.scheduledStart);
  return { live: live.sort(byStart), upcoming: upcoming.sort(byStart), past: past.sort((a, b) => byStart(b, a)) };
}

/**
 * A session as heard live, put into a cached list in start order, unless the list already holds a newer copy (a list
 * read while the update travelled may be the fresher one). An absent list stays absent: it is read when shown.
 */
export function upsertSession(list: SessionDto[] | undefined, s: SessionDto): SessionDto[] | undefined {
  if (!list) return list;
  const held = list.find((x) => x.id === s.id);
  if (held && held.updatedAt > s.updatedAt) return list;
  const rest = held ? list.filter((x) => x.id !== s.id) : list;
  return [...rest, s].sort((a, b) => a.scheduledStart.localeCompare(b.scheduledStart) || a.id.localeCompare(b.id));
}

/** What a screen reader hears when a session changes under the reader's eyes. */
export function describeChange(before: SessionDto | undefined, after: SessionDto): string {
  const title = `“${after.title}”`;
  if (!before) return after.status === 'scheduled' ? `${title} was scheduled.` : `${title} was added.`;
  if (before.status !== after.status) {
    if (after.status === 'live') return `${title} has started: join now.`;
    if (after.status === 'completed') return `${title} has ended.`;
    if (after.status === 'cancelled') return `${title} was cancelled.`;
  }
  return `${title} was updated.`;
}
