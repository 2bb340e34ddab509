import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type AttendanceReport, ReportDownloadButton } from '../components/report-csv.tsx';
import { ReportTable } from '../components/report-table.tsx';
import { STATUS_LABEL } from '../components/schedule-session-list.tsx';
import { formatDateTime, plannedEnd, ScheduleWhen, ScheduleZoneNote } from '../components/schedule-when.tsx';
import { ApiError } from '../lib/api.ts';
import { attendanceQuery, keys, sessionQuery } from '../lib/queries.ts';
import { href } from '../lib/router.ts';
import '../schedule.css';

const messageOf = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "2 of 3 students attended", plus who is still in class while the session runs. */
function summaryText(report: AttendanceReport): string {
  const { attended, rosterStudents, presentNow } = report.summary;
  if (rosterStudents === 0) return 'No students are on this course’s roster.';
  const parts = [`${attended} of ${plural(rosterStudents, 'student', 'students')} attended`];
  if (presentNow > 0) parts.push(`${presentNow} in class now`);
  return `${parts.join(', ')}.`;
}

/** The attendance of one session for its mentors: a table of every roster student and a CSV download. */
export function ReportPage({ sessionId }: { sessionId: string }) {
  const queryClient = useQueryClient();
  // Both at once, keyed by the session (a route change never shows the previous report); each can fail alone (a
  // student may read the session but not its attendance: 403).
  const sessionRead = useQuery(sessionQuery(sessionId));
  const reportRead = useQuery(attendanceQuery(sessionId));
  const session = sessionRead.data ?? null;
  const report = reportRead.data ?? null;
  const loading = sessionRead.isPending || reportRead.isPending;
  // The same refusal can come from both requests (404 for an outsider); say it once.
  const errors = loading ? [] : [...new Set([sessionRead.error, reportRead.error].flatMap((e) => (e ? [messageOf(e)] : [])))];

  return (
    <div className="report-page">
      <nav aria-label="Related pages" className="report-nav">
        <a href={href.session(sessionId)}>Back to the session</a>
        {session && <a href={href.course(session.courseId)}>All sessions of the course</a>}
      </nav>
      <h1>{session ? `Attendance: ${session.title}` : 'Attendance report'}</h1>
      {session && (
        <p>
          <ScheduleWhen start={session.scheduledStart} end={plannedEnd(session)} />{' '}
          <span className="muted">({STATUS_LABEL[session.status]})</span>
        </p>
      )}
      <ScheduleZoneNote />
      {loading && <p className="muted">Loading the report…</p>}
      {errors.map((message) => (
        <p key={message} role="alert" className="error">
          {message}
        </p>
      ))}
      {report && session && (
        <>
          {/* A status region, so pressing Refresh announces the new counts. */}
          <p role="status" className="report-summary">
            <strong>{summaryText(report)}</strong> <span className="muted">As of {formatDateTime(report.generatedAt)}.</span>
          </p>
          <div className="sched-actions">
            <ReportDownloadButton report={report} session={session} />
            <button
              type="button"
              className="secondary"
              onClick={() => void queryClient.invalidateQueries({ queryKey: keys.session(sessionId) })}
            >
              Refresh
            </button>
          </div>
          <ReportTable caption="Roster students" rows={report.students} emptyText="No students are on the roster." />
          {report.others.length > 0 && (
            // Collapsed: mentors and former members who joined are context, not the roster count the table answers.
            <details className="report-others">
              <summary>Others who joined ({report.others.length})</summary>
              <ReportTable caption="Mentors, admins and people no longer on the roster" rows={report.others} emptyText="" />
            </details>
          )}
        </>
      )}
    </div>
  );
}
