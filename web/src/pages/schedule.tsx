import { useEffect, useId, useState } from 'react';
import type { z } from 'zod';
import type { SessionDto, sessionPage } from '../../../src/sessions/sessions.schemas.ts';
import { ScheduleSessionForm } from '../components/schedule-session-form.tsx';
import { ScheduleSessionList } from '../components/schedule-session-list.tsx';
import { ScheduleZoneNote } from '../components/schedule-when.tsx';
import { api, ApiError } from '../lib/api.ts';
import { me } from '../lib/auth.ts';
import '../schedule.css';

type SessionPage = z.infer<typeof sessionPage>;

/** Every session the caller may see (one course, or all their courses), following `nextCursor` to the end. */
async function loadSessions(courseId: string | null): Promise<SessionDto[]> {
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
}

const isUpcoming = (s: SessionDto) => s.status === 'scheduled' || s.status === 'live';

/** A course's live sessions (or all the caller's), and for mentors the forms to schedule, edit and cancel them. */
export function SchedulePage({ courseId }: { courseId: string | null }) {
  const user = me();
  // The token role only decides what to offer; the server checks the roster role on every request.
  const canManage = user?.role === 'mentor' || user?.role === 'admin';
  // Tagged with the course they belong to, so switching courses never shows the previous course's list.
  const [loaded, setLoaded] = useState<{ courseId: string | null; sessions: SessionDto[] } | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [reloads, setReloads] = useState(0);
  const [announcement, setAnnouncement] = useState('');
  const formHeadingId = useId();

  useEffect(() => {
    let current = true; // ignore a slow answer for a course the viewer has already left
    setLoadError(null);
    loadSessions(courseId).then(
      (sessions) => current && setLoaded({ courseId, sessions }),
      (err: unknown) => current && setLoadError(err instanceof ApiError ? err : new ApiError(0, 'CLIENT', String(err))),
    );
    return () => {
      current = false;
    };
  }, [courseId, reloads]);

  function changed(message: string) {
    setAnnouncement(message);
    setReloads((n) => n + 1);
  }

  const sessions = loaded?.courseId === courseId ? loaded.sessions : null;
  const upcoming = sessions?.filter(isUpcoming) ?? [];
  // Past classes read newest first; the API's order (oldest first) suits only the upcoming ones.
  const past = sessions?.filter((s) => !isUpcoming(s)).reverse() ?? [];
  const forbidden = loadError?.status === 403;

  return (
    <div className="sched-page">
      <h1>{courseId ? `Live sessions: ${courseId}` : 'Your live sessions'}</h1>
      <ScheduleZoneNote />
      <p role="status" className="sched-announce">
        {announcement}
      </p>

      {canManage && courseId && !forbidden && (
        <section className="panel" aria-labelledby={formHeadingId}>
          <h2 id={formHeadingId}>Schedule a session</h2>
          <ScheduleSessionForm key={courseId} mode={{ kind: 'create', courseId }} labelledBy={formHeadingId} onDone={(s) => changed(`“${s.title}” was scheduled.`)} />
        </section>
      )}

      {loadError && (
        <div role="alert" className="error">
          <p>{loadError.message}</p>
          {!forbidden && (
            <button type="button" className="secondary" onClick={() => setReloads((n) => n + 1)}>
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
              You have no live sessions yet. The Skill Probe LMS opens this app on a course’s page (
              <code>#/courses/&lt;course id&gt;</code>), where the course’s sessions are listed and its mentors schedule
              new ones.
            </p>
          )}
          <ScheduleSessionList
            heading="Upcoming"
            sessions={upcoming}
            emptyText="No upcoming sessions."
            canManage={canManage}
            showCourse={!courseId}
            onChanged={changed}
          />
          <ScheduleSessionList heading="Past" sessions={past} emptyText="No past sessions." canManage={canManage} showCourse={!courseId} onChanged={changed} />
        </>
      )}
    </div>
  );
}
