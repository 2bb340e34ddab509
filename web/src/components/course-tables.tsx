import { useState } from 'react';
import type { CourseReport } from '../lib/queries.ts';
import { formatMinutes, formatPercent, plural } from '../lib/report-format.ts';
import { href } from '../lib/router.ts';
import { None } from './report-students.tsx';
import { SortHeader, type Sort, sortRows } from './report-sort.tsx';
import { formatDateTime } from './schedule-when.tsx';
import { StudentNameCell } from './report-name.tsx';

type StudentRow = CourseReport['students'][number];

const SORT_KEYS = {
  name: (r: StudentRow) => r.name.toLocaleLowerCase(),
  attended: (r: StudentRow) => r.classesAttended,
  rate: (r: StudentRow) => r.attendanceRate ?? -1,
  minutes: (r: StudentRow) => r.minutes,
  messages: (r: StudentRow) => r.messages,
  questions: (r: StudentRow) => r.questions,
  polls: (r: StudentRow) => r.pollsAnswered,
  quiz: (r: StudentRow) => r.quizAverage ?? -1,
  absences: (r: StudentRow) => r.consecutiveAbsences,
} satisfies Record<string, (r: StudentRow) => string | number>;
type SortKey = keyof typeof SORT_KEYS;

/** Students missing class after class, named first: the list a mentor acts on. */
export function AtRiskList({ students }: { students: StudentRow[] }) {
  const atRisk = students.filter((s) => s.atRisk).sort((a, b) => b.consecutiveAbsences - a.consecutiveAbsences);
  return (
    <section aria-labelledby="at-risk-h" className={`panel report-section${atRisk.length > 0 ? ' at-risk' : ''}`}>
      <h2 id="at-risk-h">At risk</h2>
      {atRisk.length === 0 ? (
        <p className="muted">Nobody has missed two classes in a row.</p>
      ) : (
        <ul>
          {atRisk.map((s) => (
            <li key={s.userId}>
              <strong>{s.name}</strong>: absent from the last {s.consecutiveAbsences} classes (attended {s.classesAttended} of{' '}
              {plural(s.classesHeld, 'class', 'classes')})
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One row per roster student across the range's classes, sortable by any figure. */
export function CourseStudents({ students }: { students: StudentRow[] }) {
  const [sort, setSort] = useState<Sort<SortKey>>({ key: 'name', dir: 'asc' });
  const rows = sortRows(students, SORT_KEYS[sort.key], sort.dir);
  const header = (key: SortKey, label: string, numeric = true) => (
    <SortHeader sortKey={key} label={label} sort={sort} onSort={setSort} numeric={numeric} />
  );
  return (
    <section aria-labelledby="course-students-h" className="report-section">
      <h2 id="course-students-h">Students</h2>
      <section className="report-scroll" aria-label="Students table" tabIndex={0}>
        <table className="report-table">
          <thead>
            <tr>
              {header('name', 'Student', false)}
              {header('attended', 'Attended')}
              {header('rate', 'Rate')}
              {header('minutes', 'Minutes')}
              {header('messages', 'Messages')}
              {header('questions', 'Questions')}
              {header('polls', 'Polls')}
              {header('quiz', 'Quiz')}
              {header('absences', 'Missed in a row')}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={9}>No students are on the course roster.</td>
              </tr>
            )}
            {rows.map((r) => (
              <tr key={r.userId}>
                <StudentNameCell name={r.name} email={r.email} />
                <td className="report-num">
                  {r.classesAttended} of {r.classesHeld}
                </td>
                <td className="report-num">{formatPercent(r.attendanceRate)}</td>
                <td className="report-num">{formatMinutes(r.minutes)}</td>
                <td className="report-num">{r.messages}</td>
                <td className="report-num">{r.questions}</td>
                <td className="report-num">{r.pollsAnswered}</td>
                <td className="report-num">{r.quizAverage === null ? <None /> : formatPercent(r.quizAverage)}</td>
                <td className="report-num">
                  {r.atRisk ? <span className="status status-absent">{r.consecutiveAbsences}</span> : r.consecutiveAbsences}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}

/** One row per completed class in the range, each linking to its own report. */
export function CourseClasses({ classes }: { classes: CourseReport['classes'] }) {
  return (
    <section aria-labelledby="course-classes-h" className="report-section">
      <h2 id="course-classes-h">Classes</h2>
      <section className="report-scroll" aria-label="Classes table" tabIndex={0}>
        <table className="report-table">
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Class</th>
              <th scope="col" className="report-num">
                Attendance
              </th>
              <th scope="col" className="report-num">
                Peak
              </th>
              <th scope="col" className="report-num">
                Messages
              </th>
              <th scope="col" className="report-num">
                Questions
              </th>
              <th scope="col" className="report-num">
                Poll votes
              </th>
            </tr>
          </thead>
          <tbody>
            {classes.length === 0 && (
              <tr>
                <td colSpan={7}>No completed classes in this range. Widen the dates, or hold a class first.</td>
              </tr>
            )}
            {classes.map((c) => (
              <tr key={c.sessionId}>
                <td>
                  <time dateTime={c.date}>{formatDateTime(c.date)}</time>
                </td>
                <th scope="row">
                  <a href={href.report(c.sessionId)} className="class-text">
                    {c.title}
                  </a>
                </th>
                <td className="report-num">{formatPercent(c.attendanceRate)}</td>
                <td className="report-num">{c.peakConcurrent}</td>
                <td className="report-num">{c.messages}</td>
                <td className="report-num">{c.questions}</td>
                <td className="report-num">{c.votes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
