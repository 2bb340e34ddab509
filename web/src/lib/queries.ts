import { QueryClient, queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { attendanceReport } from '../../../src/attendance/attendance.schemas.ts';
import type { PollDto } from '../../../src/polls/polls.schemas.ts';
import type { SessionDto, sessionPage } from '../../../src/sessions/sessions.schemas.ts';
import { api, ApiError } from './api.ts';

/**
 * Everything the app reads over REST goes through TanStack Query: one cache, no hand-rolled stale flags, and a
 * mutation invalidates the keys it changes. Keys nest under the session, so invalidating ['session', id] refreshes
 * every read of that session. Live class state does not live here: it comes from the event log (applyEvent).
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx (no access, no such session) will not change by asking again; a dropped connection might.
        retry: (failures, err) => err instanceof ApiError && err.status === 0 && failures < 2,
        // Pages refresh when they open and when asked (Refresh, or after a change), not on every focus.
        refetchOnWindowFocus: false,
      },
    },
  });
}

type SessionPage = z.infer<typeof sessionPage>;
type AttendanceReport = z.infer<typeof attendanceReport>;

const sessionPath = (id: string) => `/api/live-sessions/${encodeURIComponent(id)}`;

export const keys = {
  session: (id: string) => ['session', id] as const,
  attendance: (id: string) => ['session', id, 'attendance'] as const,
  polls: (id: string) => ['session', id, 'polls'] as const,
  /** The viewer's own upvotes and answers in a class. */
  mine: (id: string) => ['session', id, 'mine'] as const,
  /** One course's sessions, or (null) all the caller's. */
  sessions: (courseId: string | null) => ['sessions', courseId] as const,
  demoUsers: ['demo-users'] as const,
};

export const sessionQuery = (id: string) =>
  queryOptions({ queryKey: keys.session(id), queryFn: () => api<SessionDto>('GET', sessionPath(id)) });

export const attendanceQuery = (id: string) =>
  queryOptions({ queryKey: keys.attendance(id), queryFn: () => api<AttendanceReport>('GET', `${sessionPath(id)}/attendance`) });

export const pollsQuery = (id: string) =>
  queryOptions({
    queryKey: keys.polls(id),
    queryFn: async () => (await api<{ items: PollDto[] }>('GET', `${sessionPath(id)}/polls`)).items,
  });

/** Every session the caller may see (one course, or all their courses), following `nextCursor` to the end. */
export const sessionsQuery = (courseId: string | null) =>
  queryOptions({
    queryKey: keys.sessions(courseId),
    queryFn: async () => {
      const items: SessionDto[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: '100' });
        if (courseId) query.set('courseId', courseId);
        if (cursor) query.set('cursor', cursor);
        const page: SessionPage = await api<SessionPage>('GET', `/api/live-sessions?${query}`);
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
  });
