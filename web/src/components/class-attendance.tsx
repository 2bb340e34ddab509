import type { Person } from '../../../src/realtime/protocol.ts';
import { href } from '../lib/router.ts';

/**
 * Who is in the class now. Everyone sees the count; course managers also get the names (the server sends the list to
 * them only) and the link to the attendance report. Once the class has ended nobody is in it, whoever still has the
 * page open: the count and the list give way to that, at the moment the end is heard.
 */
export function ClassAttendance({
  sessionId,
  presence,
  ended = false,
  here = 'In class now',
}: {
  sessionId: string;
  presence: { count: number; users: Person[] | null };
  ended?: boolean;
  /** How the count is introduced ("In class now", or in a breakout room "In this room now"). */
  here?: string;
}) {
  const users = presence.users ? [...presence.users].sort((a, b) => a.name.localeCompare(b.name)) : null;
  return (
    <section aria-labelledby="class-attendance-heading" className="panel class-section">
      <h2 id="class-attendance-heading">Attendance</h2>
      <p className="class-count">{ended ? 'The class is over: nobody is in class now.' : `${here}: ${presence.count}`}</p>
      {users && (
        <>
          {!ended && users.length > 0 && (
            <ul className="class-people" aria-label="People in class now" tabIndex={0}>
              {users.map((u) => (
                <li key={u.id}>
                  <span className="class-text">{u.name}</span>
                  {u.role !== 'student' && <span className="class-tag">{u.role}</span>}
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href={href.report(sessionId)}>Class report</a>
          </p>
        </>
      )}
    </section>
  );
}
