import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { CourseRateChart } from '../components/course-rate-chart.tsx';
import { CourseRules } from '../components/course-rules-form.tsx';
import { CourseBlockedWords } from '../components/course-blocked-words.tsx';
import { CourseLtiGrades } from '../components/course-lti-grades.tsx';
import { AtRiskList, CourseClasses, CourseStudents } from '../components/course-tables.tsx';
import { CsvDownloads } from '../components/report-downloads.tsx';
import { formatDateTime, ScheduleZoneNote } from '../components/schedule-when.tsx';
import { dayStartIso } from '../lib/days.ts';
import { courseName, courseQuery, courseReportQuery, rangeQuery } from '../lib/queries.ts';
import { href } from '../lib/router.ts';
import '../classroom.css';
import '../schedule.css';
import '../report.css';
import '../report-print.css';

function RangeForm({ onApply }: { onApply: (from: string | null, to: string | null) => void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const id = useId();
  return (
    <form
      className="report-range"
      aria-label="Date range"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(dayStartIso(from), dayStartIso(to, true));
      }}
    >
      <div className="sched-field">
        <label htmlFor={`${id}-from`}>From</label>
        <input id={`${id}-from`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </div>
      <div className="sched-field">
        <label htmlFor={`${id}-to`}>To</label>
        <input id={`${id}-to`} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      <button type="submit" className="secondary">
        Show
      </button>
    </form>
  );
}

/** A course's classes over a range for its mentors: attendance per class, who is at risk, every student, the rules, grades to the LMS. */
export function CourseReportPage({ courseId }: { courseId: string }) {
  const queryClient = useQueryClient();
  const [range, setRange] = useState<{ from: string | null; to: string | null }>({ from: null, to: null });
  const read = useQuery(courseReportQuery(courseId, range.from, range.to));
  const about = useQuery(courseQuery(courseId));
  const report = read.data ?? null;

  return (
    <div className="report-page">
      <nav aria-label="Related pages" className="report-nav">
        <a href={href.course(courseId)}>Back to the course’s sessions</a>
      </nav>
      <h1>Course dashboard: {courseName(courseId, about.data)}</h1>
      <ScheduleZoneNote />
      <RangeForm onApply={(from, to) => setRange({ from, to })} />
      <div className="sched-actions report-actions">
        {report && (
          <p role="status" className="muted">
            {report.from || report.to ? 'Classes in the chosen range' : 'All completed classes'}, as of {formatDateTime(report.generatedAt)}
            .
          </p>
        )}
        <button
          type="button"
          className="secondary"
          onClick={() => void queryClient.invalidateQueries({ queryKey: ['course', courseId, 'report'] })}
        >
          Refresh
        </button>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print
        </button>
      </div>
      {read.isPending && <p className="muted">Loading the course report…</p>}
      {read.error && (
        <p role="alert" className="error">
          {read.error.message}
        </p>
      )}
      {report && (
        <>
          <CourseRateChart classes={report.classes} />
          <AtRiskList students={report.students} />
          <CourseStudents students={report.students} />
          <CourseClasses classes={report.classes} />
          <CsvDownloads
            path={`/api/courses/${encodeURIComponent(courseId)}/report`}
            query={rangeQuery(range.from, range.to)}
            tables={[
              { table: 'students', label: 'Students' },
              { table: 'classes', label: 'Classes' },
            ]}
            fileStem={`course-${courseId}`}
          />
        </>
      )}
      <CourseRules courseId={courseId} />
      <CourseLtiGrades courseId={courseId} />
      <CourseBlockedWords courseId={courseId} />
    </div>
  );
}
