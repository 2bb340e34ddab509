import { useId } from 'react';
import { formatDateTime } from './schedule-when.tsx';
import type { AttendanceReport } from './report-csv.tsx';

type Row = AttendanceReport['students'][number];

const minutes = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** An empty cell that a screen reader reads as "none" rather than "em dash". */
function None() {
  return (
    <>
      <span aria-hidden="true">—</span>
      <span className="visually-hidden">none</span>
    </>
  );
}

function When({ iso }: { iso: string | null }) {
  return iso ? <time dateTime={iso}>{formatDateTime(iso)}</time> : <None />;
}

/**
 * One attendance table. It scrolls sideways inside its own focusable region, so a phone-width page never scrolls
 * sideways and a keyboard user can still reach every column.
 */
export function ReportTable({ caption, rows, emptyText }: { caption: string; rows: Row[]; emptyText: string }) {
  const captionId = useId();
  return (
    <section className="report-scroll" aria-labelledby={captionId} tabIndex={0}>
      <table className="report-table">
        <caption id={captionId}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col" className="report-num">
              Minutes attended
            </th>
            <th scope="col">First join</th>
            <th scope="col">Last leave</th>
            <th scope="col">Attendance</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={6}>{emptyText}</td>
            </tr>
          )}
          {rows.map((r) => (
            <tr key={r.userId}>
              <th scope="row">{r.name}</th>
              <td className="report-email">{r.email ?? <None />}</td>
              <td className="report-num">{minutes.format(r.minutesPresent)}</td>
              <td>
                <When iso={r.firstJoin} />
              </td>
              <td>{r.presentNow ? 'In class now' : <When iso={r.lastLeave} />}</td>
              <td className={r.status === 'present' ? 'report-present' : 'report-absent'}>
                {r.status === 'present' ? 'Present' : 'Absent'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
