import { useId, useState } from 'react';
import { me } from '../lib/auth.ts';
import { breakoutApi } from '../lib/breakout-api.ts';
import { type BreakoutRoom, type BreakoutRound, placesLeft, roomOf, roomsToChoose } from '../lib/breakouts.ts';
import { href } from '../lib/router.ts';
import { BreakoutCountdown, ClosingWarning, useRoundNow } from './breakout-countdown.tsx';
import { ActionError, useAction } from './class-action.tsx';

/**
 * A student's breakout card in the main class while a round runs, above everything else: the room they are in and
 * "Go to room" (the room is a class page of its own); in a self-select round, the rooms with places left to choose
 * from; otherwise what to do while waiting to be placed.
 */
export function BreakoutCard({ round: heard, seq }: { round: BreakoutRound; seq: number }) {
  const heading = useId();
  // A choice is told to the class coalesced, within a second: until then the chooser sees the round its ack returned.
  const [acked, setAcked] = useState<{ round: BreakoutRound; seq: number } | null>(null);
  const round = acked && acked.round.id === heard.id && acked.seq >= seq ? acked.round : heard;
  const now = useRoundNow(round);
  const mine = roomOf(round, me()?.id);
  const choosing = round.assignment === 'self-select';
  return (
    <section id="class-breakout" aria-labelledby={heading} className="breakout-card">
      <div className="breakout-card-main">
        <div>
          <h2 id={heading}>{mine ? `You are in ${mine.name}` : choosing ? 'Choose a breakout room' : 'Breakout rooms are running'}</h2>
          <p className="breakout-meta">
            Breakout rooms · <BreakoutCountdown round={round} now={now} />
          </p>
        </div>
        {mine && (
          <a className="button breakout-go" href={href.session(mine.sessionId)}>
            Go to room
          </a>
        )}
      </div>
      <ClosingWarning round={round} now={now} />
      {!mine && !choosing && <p>Stay in the main class: a mentor will place you in a room.</p>}
      {choosing && round.status === 'open' && <RoomChoice round={round} mine={mine} onChosen={setAcked} />}
    </section>
  );
}

/** Self-select: the rooms with places left, each with Choose (or, once in one, a quieter "change room"). */
function RoomChoice({
  round,
  mine,
  onChosen,
}: {
  round: BreakoutRound;
  mine: BreakoutRoom | null;
  onChosen: (acked: { round: BreakoutRound; seq: number }) => void;
}) {
  const action = useAction();
  const rooms = roomsToChoose(round, mine);
  const full = round.rooms.length - rooms.length - (mine ? 1 : 0);
  const choose = (room: BreakoutRoom) =>
    void action.run(async () => onChosen(await breakoutApi.choose(round.sessionId, round.id, room.id)));
  const list = (
    <>
      {rooms.length === 0 ? (
        <p className="muted">{mine ? 'Every other room is full.' : 'Every room is full. Stay here: a mentor can place you.'}</p>
      ) : (
        <ul className="breakout-choices">
          {rooms.map((room) => {
            const left = placesLeft(round, room);
            return (
              <li key={room.id}>
                <span className="breakout-choice-name">{room.name}</span>
                <span className="muted">
                  {left === null ? `${room.memberIds.length} in it` : `${left} ${left === 1 ? 'place' : 'places'} left`}
                </span>
                <button
                  type="button"
                  className={mine ? 'secondary class-small' : 'class-small'}
                  disabled={action.pending}
                  onClick={() => choose(room)}
                >
                  Choose<span className="visually-hidden"> {room.name}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {full > 0 && rooms.length > 0 && (
        <p className="muted class-small-text">
          {full} full {full === 1 ? 'room' : 'rooms'} not shown.
        </p>
      )}
      <ActionError error={action.error} />
    </>
  );
  // Once in a room, changing it is the secondary thing: folded away under the room's own "Go to room".
  return mine ? (
    <details className="breakout-change">
      <summary>Change room</summary>
      {list}
    </details>
  ) : (
    list
  );
}
