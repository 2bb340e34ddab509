import { useQuery } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { api, ApiError } from '../lib/api.ts';
import { href } from '../lib/router.ts';
import { seriesQuery } from '../lib/queries.ts';
import { SCHEDULE_LABEL, scheduleState } from '../lib/schedule-state.ts';
import { seriesPlace } from '../lib/series-change.ts';
import { ScheduleSeriesActions } from './schedule-series-actions.tsx';
import { ScheduleSessionForm } from './schedule-session-form.tsx';
import { plannedEnd, ScheduleWhen } from './schedule-when.tsx';

export const STATUS_LABEL: Record<SessionDto['status'], string> = {
  scheduled: 'Scheduled',
  live: 'Live now',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export interface ScheduleListProps {
  heading: string;
  sessions: SessionDto[];
  emptyText: string;
  /** Token role mentor or admin; the server still decides, per course, and its refusals are shown. */
  canManage: boolean;
  /** On the all-courses page, each session names its course. */
  showCourse: boolean;
  /** After an edit or a cancellation: refresh the list and announce `message`; `saved` are the classes as changed. */
  onChanged: (message: string, saved?: SessionDto[]) => void;
  /** The clock the badges read (a class never started says so once its planned end has passed). */
  now: number;
  /** Live classes: each gets a "Join now" link to its class page, the biggest thing on the page. */
  joinNow?: boolean;
}

/** One titled section ("Upcoming" or "Past") of sessions. */
export function ScheduleSessionList({ heading, sessions, emptyText, canManage, showCourse, onChanged, now, joinNow }: ScheduleListProps) {
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  return (
    <section aria-labelledby={headingId} className={`sched-section${joinNow ? ' sched-live' : ''}`}>
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>
        {heading}
      </h2>
      {sessions.length === 0 ? (
        <p className="muted">{emptyText}</p>
      ) : (
        <ul className="sched-list">
          {sessions.map((s) => (
            <ScheduleSessionItem
              key={s.id}
              session={s}
              canManage={canManage}
              showCourse={showCourse}
              onChanged={onChanged}
              now={now}
              joinNow={joinNow === true}
              // A cancelled session moves to "Past", taking the focused button with it; keep focus in this section.
              onCancelled={(message, saved) => {
                onChanged(message, saved);
                headingRef.current?.focus();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ScheduleSessionItem({
  session,
  canManage,
  showCourse,
  onChanged,
  onCancelled,
  now,
  joinNow,
}: {
  session: SessionDto;
  canManage: boolean;
  showCourse: boolean;
  onChanged: (message: string, saved?: SessionDto[]) => void;
  onCancelled: (message: string, saved?: SessionDto[]) => void;
  now: number;
  joinNow: boolean;
}) {
  const titleId = useId();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const cancelling = useRef(false);
  const upcoming = session.status === 'scheduled' || session.status === 'live';
  const state = scheduleState(session, now);
  // One read per series, shared by its classes in the cache; a lone class reads nothing.
  const series = useQuery({ ...seriesQuery(session.seriesId ?? ''), enabled: session.seriesId !== null });
  const place = series.data ? seriesPlace(series.data, session.id) : null;
  const seriesId = session.seriesId;
  // A scheduled class of a series offers scoped actions once its series is read; the plain ones if it cannot be.
  const scoped = seriesId !== null && session.status === 'scheduled' && !series.isError && !(series.data && !place);

  function closeEditor() {
    setEditing(false);
    editButton.current?.focus();
  }

  async function cancelSession() {
    if (cancelling.current) return;
    if (!window.confirm(`Cancel “${session.title}”? Nobody will be able to join it, and this cannot be undone.`)) return;
    cancelling.current = true;
    setError(null);
    try {
      const cancelled = await api<SessionDto>('DELETE', `/api/live-sessions/${encodeURIComponent(session.id)}`);
      onCancelled(`“${session.title}” was cancelled.`, [cancelled]);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      cancelling.current = false;
    }
  }

  return (
    <li className="sched-item">
      <div className="sched-item-head">
        <h3 id={titleId} className="sched-title">
          <a href={href.session(session.id)}>{session.title}</a>
        </h3>
        <span className={`sched-status sched-status-${state}`}>{SCHEDULE_LABEL[state]}</span>
      </div>
      {joinNow && (
        <p className="sched-join">
          <a className="button" href={href.session(session.id)} aria-describedby={titleId}>
            Join now
          </a>
        </p>
      )}
      <p className="sched-meta">
        <ScheduleWhen start={session.scheduledStart} end={plannedEnd(session)} />
        {place && (
          <>
            {' · '}
            <span className="sched-series">{place.label}</span>
          </>
        )}
        {showCourse && (
          <>
            {' · '}
            <span className="muted">Course </span>
            <a href={href.course(session.courseId)}>{session.courseId}</a>
          </>
        )}
      </p>
      {session.description && <p className="sched-description">{session.description}</p>}
      {canManage && scoped && seriesId && place && (
        <ScheduleSeriesActions
          session={{ ...session, seriesId }}
          place={place}
          titleId={titleId}
          onChanged={onChanged}
          onCancelled={onCancelled}
        />
      )}
      {canManage && !scoped && (
        <div className="sched-actions">
          {upcoming && (
            <>
              {/* aria-describedby ties each "Edit" to its session's title for screen readers, keeping the name short. */}
              <button
                type="button"
                className="secondary"
                ref={editButton}
                aria-expanded={editing}
                aria-describedby={titleId}
                onClick={() => (editing ? closeEditor() : setEditing(true))}
              >
                Edit
              </button>
              <button type="button" className="danger" aria-describedby={titleId} onClick={() => void cancelSession()}>
                Cancel session
              </button>
            </>
          )}
          {!upcoming && (
            <a href={href.report(session.id)} aria-describedby={titleId}>
              Class report
            </a>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {editing && (
        <ScheduleSessionForm
          mode={{ kind: 'edit', session }}
          onDiscard={closeEditor}
          onDone={(saved, all) => {
            closeEditor();
            onChanged(`“${saved.title}” was saved.`, all);
          }}
        />
      )}
    </li>
  );
}
