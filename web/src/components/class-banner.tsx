import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import type { ConnectionStatus } from '../lib/classroom.ts';

const STATUS_LABEL: Record<SessionDto['status'], string> = {
  scheduled: 'Scheduled',
  live: 'Live',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

// dateStyle/timeStyle cannot be combined with timeZoneName, so the zone is named separately.
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const zone = when.resolvedOptions().timeZone;

/** When the class is (or was) planned, in the viewer's time zone. */
export function scheduledAt(session: SessionDto): string {
  return `${when.format(new Date(session.scheduledStart))} (${zone})`;
}

/**
 * The title, the class status and the connection state in one polite live region, so a screen reader hears the class
 * start or end and the connection drop without moving focus.
 */
export function ClassBanner({ session, connection }: { session: SessionDto; connection: { status: ConnectionStatus; reason?: string } }) {
  return (
    <div role="status" aria-live="polite" className="class-banner">
      <h1>{session.title}</h1>
      <p className="class-banner-line">
        <span className={`class-badge class-badge-${session.status}`}>{STATUS_LABEL[session.status]}</span>{' '}
        {session.parentSessionId ? (
          <RoomSpan session={session} />
        ) : (
          <span>
            {session.status === 'scheduled' ? 'Starts ' : 'Scheduled for '}
            <time dateTime={session.scheduledStart}>{scheduledAt(session)}</time>, {session.durationMinutes} minutes
          </span>
        )}
      </p>
      {session.description && <p className="class-description">{session.description}</p>}
      <ConnectionNotice connection={connection} />
    </div>
  );
}

const clock = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const at = (iso: string) => <time dateTime={iso}>{clock.format(new Date(iso))}</time>;

/**
 * A breakout room was never scheduled: it opened with its round, and its close follows the round's timer (which the
 * bar above counts down), so its planned start and length would only mislead. When it opened, and when it closed.
 */
function RoomSpan({ session }: { session: SessionDto }) {
  const opened = session.actualStart ?? session.scheduledStart;
  return (
    <span>
      Opened at {at(opened)}
      {session.actualEnd && <>, closed at {at(session.actualEnd)}</>}
    </span>
  );
}

function ConnectionNotice({ connection }: { connection: { status: ConnectionStatus; reason?: string } }) {
  switch (connection.status) {
    case 'connecting':
      return <p className="muted">Connecting…</p>;
    case 'live':
      return null;
    case 'reconnecting':
      return (
        <p className="class-notice class-notice-warn">
          <strong>Reconnecting…</strong> You will catch up on everything you missed once the connection is back.
        </p>
      );
    case 'closed':
      return (
        <p className="class-notice class-notice-error">
          <strong>Disconnected.</strong> {connection.reason ?? 'You left the class.'}
        </p>
      );
  }
}
