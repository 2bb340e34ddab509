import { useQuery, useQueryClient } from '@tanstack/react-query';
import { rulesSentence } from '../components/course-rules-form.tsx';
import { AttendanceChart, EngagementChart, EngagementLegend } from '../components/report-charts.tsx';
import { CsvDownloads } from '../components/report-downloads.tsx';
import { ReportGuests } from '../components/report-guests.tsx';
import { ReportPolls } from '../components/report-polls.tsx';
import { ReportStudents } from '../components/report-students.tsx';
import { ReportMeetingSync } from '../components/report-meeting-sync.tsx';
import { ReportLtiGrades } from '../components/report-lti-grades.tsx';
import { ReportTiles } from '../components/report-tiles.tsx';
import { STATUS_LABEL } from '../components/schedule-session-list.tsx';
import { formatDateTime, ScheduleWhen, ScheduleZoneNote } from '../components/schedule-when.tsx';
import { keys, type SessionReport, sessionReportQuery } from '../lib/queries.ts';
import { formatMinutes } from '../lib/report-format.ts';
import { href } from '../lib/router.ts';
import '../classroom.css';
import '../schedule.css';
import '../report.css';
import '../report-print.css';

const CSV_TABLES = [
  { table: 'students', label: 'Students' },
  { table: 'segments', label: 'Join and leave times' },
  { table: 'polls', label: 'Poll answers' },
  { table: 'questions', label: 'Questions' },
  { table: 'chat', label: 'Chat' },
];
const GUESTS_TABLE = { table: 'guests', label: 'Meeting guests' };

/** When the class ran, or was planned to while it never started. */
function ClassTimes({ report }: { report: SessionReport }) {
  const { summary } = report;
  return (
    <p>
      {summary.actualStart ? (
        <>
          Held <ScheduleWhen start={summary.actualStart} end={summary.actualEnd ?? report.generatedAt} />
          {!summary.actualEnd && ' (still running)'}
        </>
      ) : (
        <>
          Planned <ScheduleWhen start={summary.scheduledStart} end={summary.scheduledEnd} />
        </>
      )}{' '}
      <span className="muted">
        ({STATUS_LABEL[report.status]}; statuses measured against {formatMinutes(summary.classMinutes)})
      </span>
    </p>
  );
}

/** One class's report for its mentors: tiles, charts, every student, the polls and the CSV exports. */
export function ReportPage({ sessionId }: { sessionId: string }) {
  const queryClient = useQueryClient();
  // Keyed by the session, so a route change never shows the previous report.
  const read = useQuery(sessionReportQuery(sessionId));
  const report = read.data ?? null;

  return (
    <div className="report-page">
      <nav aria-label="Related pages" className="report-nav">
        <a href={href.session(sessionId)}>Back to the class</a>
        {report && <a href={href.courseReport(report.courseId)}>Course dashboard</a>}
        {report && <a href={href.course(report.courseId)}>All sessions of the course</a>}
      </nav>
      <h1>{report ? `Report: ${report.title}` : 'Class report'}</h1>
      {read.isPending && <p className="muted">Loading the report…</p>}
      {read.error && (
        <p role="alert" className="error">
          {read.error.message}
        </p>
      )}
      {report && (
        <>
          <ClassTimes report={report} />
          <ScheduleZoneNote />
          <p className="muted">
            {rulesSentence(report.rules)} <a href={href.courseReport(report.courseId)}>Change the rules</a>
          </p>
          <div className="sched-actions report-actions">
            {/* A status region, so pressing Refresh announces that the figures are new. */}
            <p role="status" className="muted">
              As of {formatDateTime(report.generatedAt)}.
            </p>
            <button
              type="button"
              className="secondary"
              onClick={() => void queryClient.invalidateQueries({ queryKey: keys.report(sessionId) })}
            >
              Refresh
            </button>
            <button type="button" className="secondary" onClick={() => window.print()}>
              Print
            </button>
          </div>
          <ReportTiles summary={report.summary} />
          <ReportMeetingSync report={report} />
          <ReportLtiGrades report={report} />
          <section aria-labelledby="charts-h" className="report-section">
            <h2 id="charts-h">Over the class</h2>
            <div className="chart-grid">
              <AttendanceChart
                timeline={report.timeline}
                stepMinutes={report.timelineStepMinutes}
                peak={{ count: report.summary.peakConcurrent, at: report.summary.peakAt }}
              />
              <div>
                <EngagementChart timeline={report.timeline} stepMinutes={report.timelineStepMinutes} />
                <EngagementLegend />
              </div>
            </div>
          </section>
          <ReportStudents report={report} />
          <ReportGuests guests={report.meetingGuests} />
          <ReportPolls polls={report.polls} />
          <CsvDownloads
            path={`/api/live-sessions/${encodeURIComponent(sessionId)}/report`}
            tables={report.meetingGuests.length > 0 ? [...CSV_TABLES, GUESTS_TABLE] : CSV_TABLES}
            fileStem={`report-${sessionId}`}
          />
        </>
      )}
    </div>
  );
}
