import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { Person } from '../../../src/realtime/protocol.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { breakoutApi } from '../lib/breakout-api.ts';
import { type BreakoutRound, unplacedStudents } from '../lib/breakouts.ts';
import { rosterQuery } from '../lib/queries.ts';
import { BreakoutCountdown, ClosingWarning, useRoundNow } from './breakout-countdown.tsx';
import { MoveControl, RoomCard } from './breakout-room-card.tsx';
import { ActionError, ClassTime, useAction } from './class-action.tsx';

const MODE: Record<BreakoutRound['assignment'], string> = {
  random: 'Random',
  manual: 'Placed by a mentor',
  'self-select': 'Students choose',
  groups: 'Groups',
};

/**
 * The mentor's live board while a round runs, across the class page: the countdown and its controls, a message to
 * every room, and each room with who is in it (by name), its meeting link, a help request, a way in, and a "Move
 * to…" for each student; the students still in the main class can be placed from the same kind of menu.
 */
export function BreakoutBoard({ session, round, people }: { session: SessionDto; round: BreakoutRound; people: Person[] | null }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const now = useRoundNow(round);
  const roster = useQuery(rosterQuery(session.courseId));
  const names = new Map<string, string>();
  for (const p of people ?? []) names.set(p.id, p.name);
  for (const m of roster.data?.members ?? []) names.set(m.userId, m.name);
  const nameOf = (userId: string) => names.get(userId) ?? userId;
  const waiting = unplacedStudents(people, round);
  const placed = round.rooms.reduce((n, r) => n + r.memberIds.length, 0);

  // The form that opened the round is gone: its button had the focus, which the board's heading takes instead.
  useEffect(() => {
    if (document.activeElement === document.body || document.activeElement === null) heading.current?.focus();
  }, []);

  return (
    <section id="class-breakout" aria-labelledby="breakout-board-heading" className="panel class-section breakout-board">
      <div className="breakout-board-head">
        <div>
          <h2 id="breakout-board-heading" ref={heading} tabIndex={-1}>
            Breakout rooms
          </h2>
          <p className="breakout-meta">
            {MODE[round.assignment]} · {round.rooms.length} {round.rooms.length === 1 ? 'room' : 'rooms'} · {placed}{' '}
            {placed === 1 ? 'student' : 'students'} in rooms
          </p>
        </div>
        <p className="breakout-board-clock">
          <BreakoutCountdown round={round} now={now} prefix="Rooms close in" />
        </p>
      </div>
      <ClosingWarning round={round} now={now} />
      <TimerControls round={round} />
      <BroadcastForm round={round} />
      <ul className="breakout-rooms" aria-label="Rooms">
        {round.rooms.map((room) => (
          <RoomCard key={room.id} round={round} room={room} nameOf={nameOf} />
        ))}
        <li className="breakout-room breakout-room-main">
          <h3>In the main class</h3>
          {waiting.length === 0 ? (
            <p className="muted">Every student in class is in a room.</p>
          ) : (
            <ul className="breakout-members">
              {waiting.map((p) => (
                <li key={p.id}>
                  <span className="breakout-member-name">{p.name}</span>
                  <MoveControl round={round} userId={p.id} name={p.name} current={null} />
                </li>
              ))}
            </ul>
          )}
        </li>
      </ul>
    </section>
  );
}

/** Extend, shorten and close. While the warning runs, shortening makes no sense: only more time, or close at once. */
function TimerControls({ round }: { round: BreakoutRound }) {
  const action = useAction();
  const closing = round.status === 'closing';
  const timer = (minutes: number) => void action.run(() => breakoutApi.timer(round.sessionId, round.id, minutes));
  return (
    <div className="breakout-controls">
      <button type="button" className="secondary" disabled={action.pending} onClick={() => timer(5)}>
        Extend (+5 min)
      </button>
      {!closing && (
        <button type="button" className="secondary" disabled={action.pending} onClick={() => timer(-1)}>
          Shorten (−1 min)
        </button>
      )}
      <button
        type="button"
        className="danger"
        disabled={action.pending}
        onClick={() => void action.run(() => breakoutApi.close(round.sessionId, round.id, closing))}
      >
        {closing ? 'Close now' : 'Close rooms'}
      </button>
      {!closing && <span className="muted class-small-text">Closing gives everyone {round.warningSeconds} seconds' warning.</span>}
      <ActionError error={action.error} />
    </div>
  );
}

const BROADCAST_MAX = 500;

/** A message pinned in every room (each room's announcement), and the last one sent. */
function BroadcastForm({ round }: { round: BreakoutRound }) {
  const [text, setText] = useState('');
  const action = useAction();
  const id = useId();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (text.trim() === '') return action.fail('Write the message first.');
    const sent = await action.run(() => breakoutApi.broadcast(round.sessionId, round.id, text.trim()));
    if (sent) setText('');
  }
  return (
    <form className="breakout-broadcast" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>Message to every room</label>
      <div className="breakout-broadcast-row">
        <input id={id} maxLength={BROADCAST_MAX} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={action.pending}>
          Send to all rooms
        </button>
      </div>
      {round.broadcast && (
        <p className="muted class-small-text">
          Pinned in every room since <ClassTime at={round.broadcast.at} />: “{round.broadcast.text}”
        </p>
      )}
      <ActionError error={action.error} />
    </form>
  );
}
