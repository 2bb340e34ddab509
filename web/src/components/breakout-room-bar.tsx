import { useEffect, useRef } from 'react';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { me } from '../lib/auth.ts';
import { carryNotice } from '../lib/awareness.ts';
import { breakoutApi } from '../lib/breakout-api.ts';
import { type BreakoutRoom, type BreakoutRound, roomBySession, roomExit } from '../lib/breakouts.ts';
import { href } from '../lib/router.ts';
import type { ClassRound } from '../lib/use-class-round.ts';
import { BreakoutCountdown, ClosingWarning, useRoundNow } from './breakout-countdown.tsx';
import { ActionError, ClassTime, useAction } from './class-action.tsx';

/**
 * The top of a breakout room's page: which room, the time left (and the closing warning), "Ask for help" for the
 * students in it (mentors see the request and clear it), and the way back to the main class.
 */
export function BreakoutRoomBar({
  session,
  classId,
  round,
  manages,
}: {
  session: SessionDto;
  classId: string;
  round: BreakoutRound | null;
  manages: boolean;
}) {
  const now = useRoundNow(round);
  const room = roomBySession(round, session.id);
  const closing = round?.status === 'closing';
  return (
    <section
      id="class-breakout"
      tabIndex={-1}
      aria-label="Breakout room"
      className={`breakout-bar${closing ? ' breakout-bar-closing' : ''}`}
    >
      <div className="breakout-bar-top">
        <p className="breakout-bar-line">
          <strong>Breakout room</strong>
          {room && round && (
            <>
              {' · '}
              {room.name}
              {' · '}
              <BreakoutCountdown round={round} now={now} />
            </>
          )}
        </p>
        <a className="breakout-bar-back" href={href.session(classId)}>
          Back to the main class
        </a>
      </div>
      {round && <ClosingWarning round={round} now={now} />}
      {room && round && <HelpRequest round={round} room={room} manages={manages} />}
    </section>
  );
}

/** Students ask the mentors for help once (the mentors clear it); mentors see since when, and clear it. */
function HelpRequest({ round, room, manages }: { round: BreakoutRound; room: BreakoutRoom; manages: boolean }) {
  const action = useAction();
  const asked = room.helpRequestedAt;
  const ask = (done: boolean) => void action.run(() => breakoutApi.help(round.sessionId, round.id, room.id, done));
  return (
    <div className="breakout-bar-help">
      {/* Polite: the student hears that the request went through, without moving focus. */}
      <p aria-live="polite" className="breakout-help-state">
        {asked &&
          (manages ? (
            <>
              <strong>This room asks for help</strong> since <ClassTime at={asked} />.
            </>
          ) : (
            <>
              <strong>Help is on its way:</strong> you asked at <ClassTime at={asked} />.
            </>
          ))}
      </p>
      {!manages && !asked && round.status === 'open' && (
        <button type="button" className="secondary" disabled={action.pending} onClick={() => ask(false)}>
          <span aria-hidden="true">✋</span> Ask for help
        </button>
      )}
      {manages && asked && (
        <button type="button" className="secondary class-small" disabled={action.pending} onClick={() => ask(true)}>
          Mark as helped
        </button>
      )}
      <ActionError error={action.error} />
    </div>
  );
}

/**
 * Takes the viewer of a room page where they belong once the class's round says so (roomExit): back to the main
 * class when the round closes or the room ends, or to the room a mentor moved them to, with the news told there.
 */
export function useRoomExit(session: SessionDto | null, classId: string | null, classRound: ClassRound, manages: boolean) {
  const leaving = useRef(false);
  const roomEnded = session?.status === 'completed' || session?.status === 'cancelled';
  const viewerId = me()?.id;
  useEffect(() => {
    if (!session || !classId || leaving.current) return;
    // Before the class's round is read, only the room's own end is known for sure.
    if (!classRound.known && !roomEnded) return;
    const exit = roomExit(classRound.known ? classRound.round : null, {
      classId,
      roomSessionId: session.id,
      roomEnded,
      viewer: { id: viewerId, manages },
    });
    if (!exit) return;
    leaving.current = true;
    carryNotice(exit.sessionId, exit.notice);
    // Replaced, not pushed: Back should not return to a room that is over or no longer theirs.
    location.replace(href.session(exit.sessionId));
  }, [session, classId, classRound, roomEnded, viewerId, manages]);
}
