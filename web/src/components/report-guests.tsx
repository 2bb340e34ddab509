import type { SessionReport } from '../lib/queries.ts';
import { formatMinutes, formatTime, plural } from '../lib/report-format.ts';
import { None } from './report-students.tsx';

/**
 * Who was in the video meeting but is on nobody's row: the participants the Google Meet sync could not match to the
 * roster (an outside account, a dial-in, an anonymous guest). Hidden when there are none, as for most classes.
 */
export function ReportGuests({ guests }: { guests: SessionReport['meetingGuests'] }) {
  if (guests.length === 0) return null;
  return (
    <section aria-labelledby="guests-h" className="report-section">
      <h2 id="guests-h">In the meeting but not on the roster</h2>
      <p className="muted">
        {plural(guests.length, 'person', 'people')} the meeting's attendance could not match to a student of the course: an outside account,
        a phone or an anonymous guest. They count for no student.
      </p>
      <section className="report-scroll" aria-label="Meeting guests table" tabIndex={0}>
        <table className="report-table report-compact">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col" className="report-num">
                Minutes
              </th>
              <th scope="col">First joined</th>
              <th scope="col">Last left</th>
            </tr>
          </thead>
          <tbody>
            {guests.map((g) => (
              <tr key={`${g.firstJoinedAt}-${g.displayName ?? ''}-${g.email ?? ''}`}>
                <th scope="row">{g.displayName ?? <span className="muted">Anonymous</span>}</th>
                <td>{g.email ?? <None />}</td>
                <td className="report-num">{formatMinutes(g.minutes)}</td>
                <td>
                  <time dateTime={g.firstJoinedAt}>{formatTime(g.firstJoinedAt)}</time>
                </td>
                <td>{g.lastLeftAt ? <time dateTime={g.lastLeftAt}>{formatTime(g.lastLeftAt)}</time> : 'Still in'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
