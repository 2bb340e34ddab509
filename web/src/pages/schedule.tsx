import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { CalendarFeeds } from '../components/calendar-feeds.tsx';
import { ScheduleSessionForm } from '../components/schedule-session-form.tsx';
import { ScheduleSessionList } from '../components/schedule-session-list.tsx';
import { ScheduleZoneNote } from '../components/schedule-when.tsx';
import { ApiError } from '../lib/api.ts';
import { me } from '../lib/auth.ts';
import { courseName, courseQuery, sessionsQuery } from '../lib/queries.ts';
import { href } from '../lib/router.ts';
import { describeChange, splitSchedule } from '../lib/schedule-state.ts';
import { useCourseFeed } from '../lib/use-course-feed.ts';
import '../schedule.css';

const toLoadError = (err: unknown) => (err instanceof ApiError ? err : new ApiError(0, 'CLIENT', String(err)));

/** The time, again every `everyMs`: a class whose planned end passes moves to Past without a reload. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** A course's live sessions (or all the caller's), and for mentors the forms to schedule, edit and cancel them. */
export function SchedulePage({ courseId }: { courseId: string | null }) {
  const user = me();
  // The token role only decides what to offer; the server checks the roster role on every request.
  const canManage = user?.role === 'mentor' || user?.role === 'admin';
  const queryClient = useQueryClient();
  // Keyed by the course, so switching courses never shows the previous course's list.
  const list = useQuery(sessionsQuery(courseId));
  const about = useQuery({ ...courseQuery(courseId ?? ''), enabled: Boolean(courseId) });
  const [announcement, setAnnouncement] = useState('');
  const formHeadingId = useId();
  const now = useNow(30_000);
  // One course's page follows that course; the all-courses page follows every course in its list.
  const followed = courseId ? [courseId] : (list.data ?? []).map((s) => s.courseId);
  // The classes this page just changed, as it saved them: their echo from the live feed is not news (a series of 12
  // would otherwise replace "12 classes were scheduled" with twelve "was scheduled" lines).
  const ownChanges = useRef(new Map<string, string>());
  const feed = useCourseFeed(followed, (session, before) => {
    if (ownChanges.current.get(session.id) !== session.updatedAt) setAnnouncement(describeChange(before, session));
  });

  function changed(message: string, saved: SessionDto[] = []) {
    for (const s of saved) ownChanges.current.set(s.id, s.updatedAt);
    setAnnouncement(message);
    // Every list a session appears in (its course's and the caller's own), and the session's own reads. (Invalidation
    // never rejects: a failed refetch lands in the query's error.)
    void queryClient.invalidateQueries({ queryKey: ['sessions'] });
    void queryClient.invalidateQueries({ queryKey: ['session'] });
  }

  const sessions: SessionDto[] | null = list.data ?? null;
  // A failed refresh keeps the list it had, and says so.
  const loadError = list.error ? toLoadError(list.error) : null;
  const { live, upcoming, past } = splitSchedule(sessions ?? [], now);
  const forbidden = loadError?.status === 403;

  return (
    <div className="sched-page">
      <h1>{courseId ? `Live sessions: ${courseName(courseId, about.data)}` : 'Your live sessions'}</h1>
      {canManage && courseId && !forbidden && (
        <p>
          <a href={href.courseReport(courseId)}>Course dashboard: attendance and engagement across classes</a>
        </p>
      )}
      <ScheduleZoneNote />
      {!forbidden && <CalendarFeeds key={courseId ?? ''} courseId={courseId} />}
      <p role="status" className="sched-announce">
        {announcement}
      </p>
      {feed === 'reconnecting' && <p className="muted">Live updates paused; reconnecting…</p>}

      {live.length > 0 && (
        <ScheduleSessionList
          heading="Live now"
          sessions={live}
          emptyText=""
          canManage={canManage}
          showCourse={!courseId}
          onChanged={changed}
          now={now}
          joinNow
        />
      )}

      {canManage && courseId && !forbidden && (
        <section className="panel" aria-labelledby={formHeadingId}>
          <h2 id={formHeadingId}>Schedule a session</h2>
          <ScheduleSessionForm
            key={courseId}
            mode={{ kind: 'create', courseId }}
            labelledBy={formHeadingId}
            onDone={(s, all) =>
              changed(all.length > 1 ? `“${s.title}” was scheduled: ${all.length} classes.` : `“${s.title}” was scheduled.`, all)
            }
          />
        </section>
      )}

      {loadError && (
        <div role="alert" className="error">
          <p>{loadError.message}</p>
          {!forbidden && (
            <button type="button" className="secondary" onClick={() => void list.refetch()}>
              Try again
            </button>
          )}
        </div>
      )}
      {!sessions && !loadError && <p className="muted">Loading sessions…</p>}

      {sessions && (
        <>
          {!courseId && sessions.length === 0 && (
            <p className="panel">
              You have no live sessions yet. The Skill Probe LMS opens this app on a course’s page (<code>#/courses/&lt;course id&gt;</code>
              ), where the course’s sessions are listed and its mentors schedule new ones.
            </p>
          )}
          <ScheduleSessionList
            heading="Upcoming"
            sessions={upcoming}
            emptyText="No upcoming sessions."
            canManage={canManage}
            showCourse={!courseId}
            onChanged={changed}
            now={now}
          />
          <ScheduleSessionList
            heading="Past"
            sessions={past}
            emptyText="No past sessions."
            canManage={canManage}
            showCourse={!courseId}
            onChanged={changed}
            now={now}
          />
        </>
      )}
    </div>
  );
}
