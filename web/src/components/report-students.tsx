import { useId, useState } from 'react';
import type { AttendanceStatus } from '../../../src/reports/reports.schemas.ts';
import type { SessionReport } from '../lib/queries.ts';
import { formatMinutes, formatPercent, formatTime, plural, STATUS_TEXT, STATUSES } from '../lib/report-format.ts';
import { hasBreakoutRooms } from '../lib/report-stays.ts';
import { classSpan, SegmentBar } from './report-segments.tsx';
import { SortHeader, type Sort, sortRows } from './report-sort.tsx';
import { StudentNameCell } from './report-name.tsx';

type Row = SessionReport['students'][number];

// Best first, so "by status, ascending" lists who attended before who did not.
const STATUS_RANK: Record<AttendanceStatus, number> = { present: 0, late: 1, partial: 2, absent: 3 };

const SORT_KEYS = {
  name: (r: Row) => r.name.toLocaleLowerCase(),
  status: (r: Row) => STATUS_RANK[r.status],
  percent: (r: Row) => r.percentOfClass,
  minutes: (r: Row) => r.minutes,
  firstJoin: (r: Row) => r.firstJoin ?? '\uffff',
  messages: (r: Row) => r.messages,
  questions: (r: Row) => r.questions,
  polls: (r: Row) => r.pollsAnswered,
  quiz: (r: Row) => r.quizScore ?? -1,
  // Students in no room after those in one.
  rooms: (r: Row) => r.breakoutRooms.join('\n').toLocaleLowerCase() || '\uffff',
} satisfies Record<string, (r: Row) => string | number>;
type SortKey = keyof typeof SORT_KEYS;

/** An em dash that a screen reader reads as "none". */
export function None() {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">none</span>
    </>
  );
}

/** The breakout room each round put the student in, one per line, in round order. */
function RoomsCell({ rooms }: { rooms: string[] }) {
  if (rooms.length === 0) return <None />;
  if (rooms.length === 1) return <>{rooms[0]}</>;
  return (
    <ul className="report-rooms">
      {rooms.map((room, i) => (
        // Two rounds may well have had rooms of the same name: the round's place tells them apart.
        // biome-ignore lint/suspicious/noArrayIndexKey: the list is in round order and never reorders.
        <li key={i}>{room}</li>
      ))}
    </ul>
  );
}

function MeetingCell({ row }: { row: Row }) {
  if (!row.joinedMeeting) return <span className="muted">Not opened</span>;
  return <>Opened {row.joinedMeetingAt && <time dateTime={row.joinedMeetingAt}>{formatTime(row.joinedMeetingAt)}</time>}</>;
}

/**
 * Every roster student of the class: status, time (with a bar over the class span), the meeting click and what they
 * did. Sortable by any column (the header buttons; aria-sort says which) and filtered by status.
 */
export function ReportStudents({ report }: { report: SessionReport }) {
  const [filter, setFilter] = useState<AttendanceStatus | 'all'>('all');
  const [sort, setSort] = useState<Sort<SortKey>>({ key: 'name', dir: 'asc' });
  const filterId = useId();
  const span = classSpan(report);
  const now = Date.parse(report.generatedAt);
  const shown = sortRows(
    report.students.filter((r) => filter === 'all' || r.status === filter),
    SORT_KEYS[sort.key],
    sort.dir,
  );
  // Only a class that had breakout rooms gets their column (and legend); a student in none reads "none" there.
  const rooms = hasBreakoutRooms(report.students);
  const breakoutStays = report.students.some((r) => r.segments.some((seg) => seg.breakoutRoom));
  const columns = rooms ? 14 : 13;
  const header = (key: SortKey, label: string, numeric = false) => (
    <SortHeader sortKey={key} label={label} sort={sort} onSort={setSort} numeric={numeric} />
  );

  return (
    <section aria-labelledby={`${filterId}-h`} className="report-section">
      <h2 id={`${filterId}-h`}>Students</h2>
      <div className="report-filter">
        <label htmlFor={filterId} className="inline">
          Show
          <select id={filterId} value={filter} onChange={(e) => setFilter(e.target.value as AttendanceStatus | 'all')}>
            <option value="all">Everyone ({report.students.length})</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_TEXT[s]} ({report.summary.counts[s]})
              </option>
            ))}
          </select>
        </label>
        <p role="status" className="muted">
          Showing {plural(shown.length, 'student', 'students')} of {report.students.length}.
        </p>
      </div>
      <p className="muted report-legend">
        Time in class, over the class span: <span aria-hidden="true" className="chart-swatch seg-swatch-room" />
        class room
        {breakoutStays && (
          <>
            , <span aria-hidden="true" className="chart-swatch seg-swatch-breakout" />
            breakout room
          </>
        )}
        {report.students.some((r) => r.meetingSegments.length > 0) && (
          <>
            , <span aria-hidden="true" className="chart-swatch seg-swatch-meeting" />
            meeting
          </>
        )}
        .
      </p>
      {/* Scrolls sideways inside its own focusable region, so a phone-width page never does. */}
      <section className="report-scroll" aria-label="Students table" tabIndex={0}>
        <table className="report-table report-students">
          <thead>
            <tr>
              {header('name', 'Student')}
              {header('status', 'Status')}
              <th scope="col">Time in class</th>
              {rooms && header('rooms', 'Breakout rooms')}
              {header('percent', '% of class', true)}
              {header('minutes', 'Minutes', true)}
              <th scope="col">Meeting link</th>
              {header('firstJoin', 'First join')}
              <th scope="col">Last leave</th>
              {header('messages', 'Messages', true)}
              {header('questions', 'Questions', true)}
              <th scope="col" className="report-num">
                Upvotes
              </th>
              {header('polls', 'Polls', true)}
              {header('quiz', 'Quiz', true)}
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={columns}>
                  {report.students.length === 0 ? 'No students are on the course roster.' : 'No student has this status.'}
                </td>
              </tr>
            )}
            {shown.map((r) => (
              <tr key={r.userId}>
                <StudentNameCell name={r.name} email={r.email} />
                <td>
                  <span className={`status status-${r.status}`}>{STATUS_TEXT[r.status]}</span>
                </td>
                <td className="report-segcell">
                  <SegmentBar row={r} span={span} now={now} />
                </td>
                {rooms && (
                  <td>
                    <RoomsCell rooms={r.breakoutRooms} />
                  </td>
                )}
                <td className="report-num">{formatPercent(r.percentOfClass)}</td>
                <td className="report-num">
                  {formatMinutes(r.minutes)}
                  {r.meetingMinutes !== null && <span className="report-sub">meeting {formatMinutes(r.meetingMinutes)}</span>}
                </td>
                <td>
                  <MeetingCell row={r} />
                </td>
                <td>{r.firstJoin ? <time dateTime={r.firstJoin}>{formatTime(r.firstJoin)}</time> : <None />}</td>
                <td>{r.lastLeave ? <time dateTime={r.lastLeave}>{formatTime(r.lastLeave)}</time> : r.firstJoin ? 'Still in' : <None />}</td>
                <td className="report-num">{r.messages}</td>
                <td className="report-num">{r.questions}</td>
                <td className="report-num">{r.upvotesGiven}</td>
                <td className="report-num">
                  {r.pollsAnswered} of {r.pollsOffered}
                </td>
                <td className="report-num">
                  {r.quizAsked === 0 ? (
                    <None />
                  ) : r.quizScore === null ? (
                    <span className="muted">None answered</span>
                  ) : (
                    <>
                      {r.quizCorrect} of {r.quizAsked}
                      <span className="report-sub">
                        {formatPercent(r.quizScore)} · {r.quizPoints} {r.quizPoints === 1 ? 'point' : 'points'}
                      </span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
