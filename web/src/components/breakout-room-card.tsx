import { useId, useState } from 'react';
import { breakoutApi } from '../lib/breakout-api.ts';
import { type BreakoutRoom, type BreakoutRound, placesLeft } from '../lib/breakouts.ts';
import { href } from '../lib/router.ts';
import { ActionError, ClassTime, useAction } from './class-action.tsx';

const LINK: Record<BreakoutRoom['meeting']['status'], { text: string; tone: string }> = {
  ready: { text: 'Link ready', tone: 'ok' },
  pending: { text: 'Link being prepared', tone: 'info' },
  failed: { text: 'No link', tone: 'danger' },
};

/** One room on the mentor's board: its members by name, its link, a help request, and the way in. */
export function RoomCard({ round, room, nameOf }: { round: BreakoutRound; room: BreakoutRoom; nameOf: (userId: string) => string }) {
  const heading = useId();
  const help = useAction();
  const members = room.memberIds.map((id) => ({ id, name: nameOf(id) })).sort((a, b) => a.name.localeCompare(b.name));
  const left = placesLeft(round, room);
  const link = LINK[room.meeting.status];
  return (
    <li className={`breakout-room${room.helpRequestedAt ? ' breakout-room-help' : ''}`} aria-labelledby={heading}>
      <div className="breakout-room-head">
        <h3 id={heading}>{room.name}</h3>
        <span className={`breakout-tag breakout-tag-${link.tone}`}>{link.text}</span>
      </div>
      <p className="muted class-small-text">
        {members.length} {members.length === 1 ? 'student' : 'students'}
        {left !== null && ` · ${left} ${left === 1 ? 'place' : 'places'} left`}
      </p>
      {room.helpRequestedAt && (
        <div className="breakout-help">
          <p>
            <strong>Asks for help</strong> since <ClassTime at={room.helpRequestedAt} />
          </p>
          {/* The server answers the request when a mentor enters: said here, so nobody wonders where it went. */}
          <p className="muted class-small-text">Entering the room answers it.</p>
          <button
            type="button"
            className="secondary class-small"
            disabled={help.pending}
            onClick={() => void help.run(() => breakoutApi.help(round.sessionId, round.id, room.id, true))}
          >
            Mark as helped<span className="visually-hidden"> in {room.name}</span>
          </button>
          <ActionError error={help.error} />
        </div>
      )}
      {members.length === 0 ? (
        <p className="muted">
          {round.assignment === 'self-select' ? 'Nobody has chosen this room yet.' : 'Nobody here yet: move a student in.'}
        </p>
      ) : (
        <ul className="breakout-members">
          {members.map((m) => (
            <li key={m.id}>
              <span className="breakout-member-name">{m.name}</span>
              <MoveControl round={round} userId={m.id} name={m.name} current={room.id} />
            </li>
          ))}
        </ul>
      )}
      <a className="button secondary class-small breakout-enter" href={href.session(room.sessionId)}>
        Enter room<span className="visually-hidden"> {room.name}</span>
      </a>
    </li>
  );
}

/**
 * "Move to…" for one student: a select of the other rooms, then a Move button (a select that acted on change would
 * move someone as a keyboard user arrows through it). It sits in its room's card: after a move it starts afresh in the next.
 */
export function MoveControl({
  round,
  userId,
  name,
  current,
}: {
  round: BreakoutRound;
  userId: string;
  name: string;
  current: string | null;
}) {
  const [target, setTarget] = useState('');
  const action = useAction();
  const id = useId();
  const others = round.rooms.filter((r) => r.id !== current);
  if (others.length === 0) return null;
  return (
    <span className="breakout-move">
      <label htmlFor={id} className="visually-hidden">
        Move {name} to
      </label>
      <select id={id} value={target} onChange={(e) => setTarget(e.target.value)}>
        <option value="">Move to…</option>
        {others.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name}
          </option>
        ))}
      </select>
      {/* Only once a room is picked: a column of idle Move buttons would be noise on a busy board. */}
      {target !== '' && (
        <button
          type="button"
          className="secondary class-small"
          disabled={action.pending}
          onClick={() => void action.run(() => breakoutApi.move(round.sessionId, round.id, userId, target))}
        >
          Move<span className="visually-hidden"> {name}</span>
        </button>
      )}
      <ActionError error={action.error} />
    </span>
  );
}
