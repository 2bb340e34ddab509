import { QueryClient, queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import type { breakoutListSchema } from '../../../src/breakouts/breakouts.schemas.ts';
import type { rosterSchema } from '../../../src/courses/courses.schemas.ts';
import type { courseGroupSets } from '../../../src/groups/group-sets.schemas.ts';
import type { MeetingSyncAvailability } from '../../../src/meetings/meetings.schemas.ts';
import type { PollDto } from '../../../src/polls/polls.schemas.ts';
import type { courseReport, courseSettings, myReport, SessionReport } from '../../../src/reports/reports.schemas.ts';
import type { FeedDto } from '../../../src/calendar/calendar.schemas.ts';
import type { gradeSettings } from '../../../src/lti/lti.ags.schemas.ts';
import type { seriesWithSessions } from '../../../src/sessions/series.schemas.ts';
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
export type MyReport = z.infer<typeof myReport>;
export type CourseReport = z.infer<typeof courseReport>;
export type CourseSettings = z.infer<typeof courseSettings>;
export type CourseGroupSets = z.infer<typeof courseGroupSets>;
export type Roster = z.infer<typeof rosterSchema>;
export type BreakoutList = z.infer<typeof breakoutListSchema>;
export type LtiGradeSettings = z.infer<typeof gradeSettings>;
export type { SessionReport };

const sessionPath = (id: string) => `/api/live-sessions/${encodeURIComponent(id)}`;

export const keys = {
  session: (id: string) => ['session', id] as const,
  report: (id: string) => ['session', id, 'report'] as const,
  myReport: (id: string) => ['session', id, 'report', 'me'] as const,
  /** Under the report: refreshing the report refreshes whether its Meet sync can be re-run. */
  meetingSync: (id: string) => ['session', id, 'report', 'meeting-sync'] as const,
  polls: (id: string) => ['session', id, 'polls'] as const,
  /** The viewer's own upvotes and answers in a class. */
  mine: (id: string) => ['session', id, 'mine'] as const,
  /** Questions waiting for review (managers), read again whenever the room hears qa:queue. */
  qaReview: (id: string) => ['session', id, 'qa', 'pending'] as const,
  /** A course's blocked words. */
  courseModeration: (courseId: string) => ['course', courseId, 'moderation'] as const,
  /** One course's sessions, or (null) all the caller's. */
  sessions: (courseId: string | null) => ['sessions', courseId] as const,
  /** A course's report over a range (ISO instants, or null for open ends). */
  courseReport: (courseId: string, from: string | null, to: string | null) => ['course', courseId, 'report', from, to] as const,
  courseSettings: (courseId: string) => ['course', courseId, 'settings'] as const,
  /** What the course sends to its LMS gradebook after each class (LTI AGS), and whether the LMS offers it. */
  ltiGrades: (courseId: string) => ['course', courseId, 'lti-grades'] as const,
  /** A course's group sets (mentors), to fill breakout rooms from. */
  groupSets: (courseId: string) => ['course', courseId, 'group-sets'] as const,
  /** A course as its members see it: its title from the LMS, if it came from one. */
  course: (courseId: string) => ['course', courseId, 'about'] as const,
  /** A course's roster (mentors): the names of the students in breakout rooms, present or not. */
  roster: (courseId: string) => ['course', courseId, 'members'] as const,
  /** A class's breakout rounds (the current one and the past), as read once before following them live. */
  breakouts: (sessionId: string) => ['session', sessionId, 'breakouts'] as const,
  demoUsers: ['demo-users'] as const,
  /** A series and its classes; under 'sessions', so every refresh of the lists refreshes it too. */
  series: (seriesId: string) => ['sessions', 'series', seriesId] as const,
  /** The caller's calendar feeds (no URLs: those are shown once, at creation). */
  calendarFeeds: ['calendar-feeds'] as const,
};

const coursePath = (id: string) => `/api/courses/${encodeURIComponent(id)}`;

export const sessionQuery = (id: string) =>
  queryOptions({ queryKey: keys.session(id), queryFn: () => api<SessionDto>('GET', sessionPath(id)) });

export const sessionReportQuery = (id: string) =>
  queryOptions({ queryKey: keys.report(id), queryFn: () => api<SessionReport>('GET', `${sessionPath(id)}/report`) });

export const meetingSyncQuery = (id: string) =>
  queryOptions({
    queryKey: keys.meetingSync(id),
    queryFn: () => api<MeetingSyncAvailability>('GET', `${sessionPath(id)}/report/meeting-sync`),
  });

export const myReportQuery = (id: string) =>
  queryOptions({ queryKey: keys.myReport(id), queryFn: () => api<MyReport>('GET', `${sessionPath(id)}/report/me`) });

/** The query string of a course report's range; also used for its CSV links. */
export function rangeQuery(from: string | null, to: string | null): URLSearchParams {
  const query = new URLSearchParams();
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  return query;
}

export const courseReportQuery = (courseId: string, from: string | null, to: string | null) =>
  queryOptions({
    queryKey: keys.courseReport(courseId, from, to),
    queryFn: () => api<CourseReport>('GET', `${coursePath(courseId)}/report?${rangeQuery(from, to)}`),
  });

export const courseSettingsQuery = (courseId: string) =>
  queryOptions({ queryKey: keys.courseSettings(courseId), queryFn: () => api<CourseSettings>('GET', `${coursePath(courseId)}/settings`) });

export const ltiGradesQuery = (courseId: string) =>
  queryOptions({
    queryKey: keys.ltiGrades(courseId),
    queryFn: () => api<LtiGradeSettings>('GET', `${coursePath(courseId)}/lti-grades`),
  });

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

export const groupSetsQuery = (courseId: string) =>
  queryOptions({ queryKey: keys.groupSets(courseId), queryFn: () => api<CourseGroupSets>('GET', `${coursePath(courseId)}/group-sets`) });

/** `GET /api/courses/:courseId`: the LMS's title of a course launched from one (null otherwise). */
export const courseQuery = (courseId: string) =>
  queryOptions({
    queryKey: keys.course(courseId),
    queryFn: () => api<{ courseId: string; title: string | null }>('GET', coursePath(courseId)),
    staleTime: 5 * 60_000,
  });

/** A course's heading: the LMS's title when there is one, else its id (while loading or refused, the id). */
export const courseName = (courseId: string, about: { title: string | null } | undefined) => about?.title ?? courseId;

export const rosterQuery = (courseId: string) =>
  queryOptions({ queryKey: keys.roster(courseId), queryFn: () => api<Roster>('GET', `${coursePath(courseId)}/members`) });

/** `GET …/breakouts` of a class: the round open now (or closing) and the closed ones, oldest first. */
export const breakoutsQuery = (sessionId: string) =>
  queryOptions({
    queryKey: keys.breakouts(sessionId),
    queryFn: () => api<BreakoutList>('GET', `${sessionPath(sessionId)}/breakouts`),
  });

export type SeriesWithSessions = z.infer<typeof seriesWithSessions>;

/** `GET /api/live-sessions/series/:id`: the series and its classes in series order. */
export const seriesQuery = (seriesId: string) =>
  queryOptions({
    queryKey: keys.series(seriesId),
    queryFn: () => api<SeriesWithSessions>('GET', `/api/live-sessions/series/${encodeURIComponent(seriesId)}`),
  });

export const calendarFeedsQuery = () =>
  queryOptions({
    queryKey: keys.calendarFeeds,
    queryFn: async () => (await api<{ items: FeedDto[] }>('GET', '/api/calendar-feeds')).items,
  });
