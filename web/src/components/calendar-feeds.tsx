import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { FeedDto } from '../../../src/calendar/calendar.schemas.ts';
import { api, ApiError } from '../lib/api.ts';
import { calendarFeedsQuery, keys } from '../lib/queries.ts';
import { formatDateTime } from './schedule-when.tsx';

type CreatedFeed = FeedDto & { url: string };

const what = (courseId: string | null) => (courseId ? `course ${courseId}` : 'all your classes');
const message = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

/**
 * "Add to calendar": a private feed URL of one course or of all the viewer's classes, for a calendar app to subscribe
 * to. The URL is shown once (the server keeps only its hash), with Copy and a webcal:// link; the viewer's feeds are
 * listed below with "Turn off". Everyone on a course may subscribe, students and mentors alike.
 */
export function CalendarFeeds({ courseId }: { courseId: string | null }) {
  const queryClient = useQueryClient();
  const feeds = useQuery(calendarFeedsQuery());
  const [created, setCreated] = useState<CreatedFeed | null>(null);
  const [status, setStatus] = useState('');
  const urlId = useId();
  const noteId = useId();
  const listHeading = useId();

  const create = useMutation({
    mutationFn: (forCourse: string | null) => api<CreatedFeed>('POST', '/api/calendar-feeds', forCourse ? { courseId: forCourse } : {}),
    onSuccess: (feed) => {
      setCreated(feed);
      setStatus(`A calendar link for ${what(feed.courseId)} was created: copy it now, it is shown only once.`);
      void queryClient.invalidateQueries({ queryKey: keys.calendarFeeds });
    },
  });
  const revoke = useMutation({
    mutationFn: (feed: FeedDto) => api<void>('DELETE', `/api/calendar-feeds/${encodeURIComponent(feed.id)}`),
    onSuccess: (_, feed) => {
      if (created?.id === feed.id) setCreated(null);
      setStatus(`The calendar link for ${what(feed.courseId)} was turned off: calendar apps using it get no more updates.`);
      void queryClient.invalidateQueries({ queryKey: keys.calendarFeeds });
    },
  });

  async function copy(url: string) {
    try {
      await navigator.clipboard.writeText(url);
      setStatus('Link copied. Paste it into your calendar app’s “subscribe from URL” (or “from web”).');
    } catch {
      // No clipboard permission (an embedded page): the link is selected so the viewer can copy it by hand.
      (document.getElementById(urlId) as HTMLInputElement | null)?.select();
      setStatus('Copying was blocked by the browser: the link is selected, press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  }

  // Guards, not disabled buttons: disabling the focused button would drop focus.
  function add(forCourse: string | null) {
    if (!create.isPending) create.mutate(forCourse);
  }

  function turnOff(feed: FeedDto) {
    if (revoke.isPending) return;
    if (!window.confirm(`Turn off the calendar link for ${what(feed.courseId)}? Calendar apps using it will stop getting your classes.`))
      return;
    revoke.mutate(feed);
  }

  const items = feeds.data ?? [];
  return (
    <details className="panel sched-calendar">
      <summary>Add to calendar</summary>
      <p>
        Subscribe in Google Calendar, Apple Calendar, Outlook or Thunderbird: new, moved and cancelled classes appear there by themselves
        (calendar apps refresh about every hour, some less often).
      </p>
      <div className="sched-actions">
        {courseId && (
          <button type="button" onClick={() => add(courseId)}>
            Add this course
          </button>
        )}
        <button type="button" className={courseId ? 'secondary' : undefined} onClick={() => add(null)}>
          Add all my classes
        </button>
      </div>
      {create.error && (
        <p role="alert" className="error">
          {message(create.error)}
        </p>
      )}
      {created && (
        <div className="sched-feed-new">
          <label htmlFor={urlId}>Your calendar link for {what(created.courseId)}</label>
          <div className="sched-feed-url">
            <input id={urlId} type="text" readOnly value={created.url} aria-describedby={noteId} onFocus={(e) => e.target.select()} />
            <button type="button" onClick={() => void copy(created.url)}>
              Copy
            </button>
            <a className="button secondary" href={created.url.replace(/^https?:/, 'webcal:')}>
              Open in calendar app
            </a>
          </div>
          <p id={noteId} className="sched-hint">
            Keep this link private, like a password: anyone who has it can see your class list (not the meeting links, which need your
            sign-in). It is shown only now and cannot be shown again; if you lose it, create a new link and turn this one off below.
          </p>
        </div>
      )}
      <p role="status" className="sched-announce">
        {status}
      </p>
      <h3 id={listHeading} className="sched-feed-heading">
        Your calendar links
      </h3>
      {feeds.error && (
        <p role="alert" className="error">
          {message(feeds.error)}
        </p>
      )}
      {feeds.isPending && <p className="muted">Loading your calendar links…</p>}
      {feeds.data && items.length === 0 && <p className="muted">None yet. Add one above to see your classes in your calendar app.</p>}
      {items.length > 0 && (
        <ul className="sched-feeds" aria-labelledby={listHeading}>
          {items.map((feed) => (
            <li key={feed.id}>
              <span id={`${listHeading}-${feed.id}`}>
                {feed.courseId ? `Course ${feed.courseId}` : 'All my classes'}
                <span className="muted"> · created {formatDateTime(feed.createdAt)}</span>
              </span>
              <span className="sched-actions">
                {/* The link itself cannot be shown again: a new one is the way to get it back. */}
                <button
                  type="button"
                  className="secondary"
                  aria-describedby={`${listHeading}-${feed.id}`}
                  onClick={() => add(feed.courseId)}
                >
                  New link
                </button>
                <button type="button" className="secondary" aria-describedby={`${listHeading}-${feed.id}`} onClick={() => turnOff(feed)}>
                  Turn off
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {revoke.error && (
        <p role="alert" className="error">
          {message(revoke.error)}
        </p>
      )}
      {items.length > 0 && (
        <p className="muted sched-hint">
          A link cannot be shown again after it is created (only a fingerprint of it is kept). Lost one? Choose New link, then turn the old
          one off.
        </p>
      )}
    </details>
  );
}
