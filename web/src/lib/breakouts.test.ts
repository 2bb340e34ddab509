import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type BreakoutRound,
  breakoutNoticesBetween,
  CLOSED_NOTICE,
  countdownText,
  placesLeft,
  roomExit,
  roomOf,
  roomsToChoose,
  unplacedStudents,
} from './breakouts.ts';
import { applyEvent, emptyClass } from './class-state.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

const room = (n: number, memberIds: string[], help: string | null = null) => ({
  id: `r${n}`,
  name: `Room ${n}`,
  sessionId: `s${n}`,
  memberIds,
  meeting: { status: 'ready' as const },
  helpRequestedAt: help,
});

const round = (over: Partial<BreakoutRound> = {}): BreakoutRound => ({
  id: 'round-1',
  sessionId: 'class',
  status: 'open',
  assignment: 'random',
  capacity: null,
  rooms: [room(1, ['ann', 'bo']), room(2, ['cy'])],
  openedAt: at(0),
  endsAt: at(600),
  warningSeconds: 60,
  closedAt: null,
  broadcast: null,
  ...over,
});

const student = { id: 'ann', manages: false };
const mentor = { id: 'lena', manages: true };
const texts = (notices: { text: string }[]) => notices.map((n) => n.text);
const opts = (over: Partial<{ now: number; where: 'class' | 'room'; seq: number }> = {}) => ({
  now: T0,
  where: 'class' as const,
  seq: 1,
  ...over,
});

describe('the round in the class state', () => {
  it('each breakout event replaces the round, and a replayed one (an older seq) is ignored', () => {
    const opened = round();
    const closed = round({ status: 'closed', closedAt: at(600) });
    let state = applyEvent(emptyClass, { event: 'breakout:opened', payload: { seq: 4, round: opened } });
    state = applyEvent(state, { event: 'breakout:closed', payload: { seq: 5, round: closed } });
    assert.equal(state.breakout, closed);
    assert.equal(state.breakoutSeq, 5, 'the seq that said it: an ack newer than this shows its own round until then');
    assert.equal(applyEvent(state, { event: 'breakout:updated', payload: { seq: 5, round: opened } }).breakout, closed);
  });
});

describe('finding rooms', () => {
  it("finds a student's room, the rooms with places left, and who in class has none", () => {
    const r = round({ assignment: 'self-select', capacity: 2 });
    assert.equal(roomOf(r, 'cy')?.name, 'Room 2');
    assert.equal(roomOf(r, 'dee'), null);
    assert.equal(placesLeft(r, room(1, ['ann', 'bo'])), 0);
    assert.equal(placesLeft(round(), room(1, ['ann'])), null, 'no capacity: no limit');
    assert.deepEqual(
      roomsToChoose(r, null).map((x) => x.name),
      ['Room 2'],
      'a full room is not offered',
    );
    assert.deepEqual(roomsToChoose(r, roomOf(r, 'cy')), [], 'nor is their own');
    const people = [
      { id: 'lena', name: 'Lena', role: 'mentor' },
      { id: 'dee', name: 'Dee', role: 'student' },
      { id: 'ann', name: 'Ann', role: 'student' },
      { id: 'abe', name: 'Abe', role: 'student' },
    ];
    assert.deepEqual(
      unplacedStudents(people, r).map((p) => p.id),
      ['abe', 'dee'],
    );
  });

  it('counts down to endsAt, rounded up, never below zero', () => {
    assert.equal(countdownText(round(), T0), '10:00');
    assert.equal(countdownText(round(), T0 + 599_001), '0:01');
    assert.equal(countdownText(round(), T0 + 700_000), '0:00');
  });
});

describe('roomExit', () => {
  const where = { classId: 'class', roomSessionId: 's1', roomEnded: false };

  it('a student stays in their room; is taken to the room they were moved to, or back to class without one', () => {
    assert.equal(roomExit(round(), { ...where, viewer: student }), null);
    const moved = round({ rooms: [room(1, ['bo']), room(2, ['cy', 'ann'])] });
    assert.deepEqual(roomExit(moved, { ...where, viewer: student }), { sessionId: 's2', notice: 'You were moved to Room 2.' });
    const out = round({ rooms: [room(1, ['bo']), room(2, ['cy'])] });
    assert.equal(roomExit(out, { ...where, viewer: student })?.sessionId, 'class');
  });

  it('everyone goes back to class when the round closes, the room ends, or the room is of an older round', () => {
    const closed = round({ status: 'closed' });
    for (const viewer of [student, mentor]) {
      assert.deepEqual(roomExit(closed, { ...where, viewer }), { sessionId: 'class', notice: CLOSED_NOTICE });
      assert.equal(roomExit(round(), { ...where, roomEnded: true, viewer })?.sessionId, 'class');
      assert.equal(roomExit(round({ id: 'round-2', rooms: [room(7, [])] }), { ...where, viewer })?.sessionId, 'class');
      assert.equal(roomExit(null, { ...where, viewer })?.sessionId, 'class');
    }
    assert.equal(roomExit(round(), { ...where, roomSessionId: 's2', viewer: mentor }), null, 'a mentor may enter any room');
    assert.equal(roomExit(round({ status: 'closing' }), { ...where, viewer: student }), null, 'the warning is not the end');
  });
});

describe('breakoutNoticesBetween', () => {
  it('rooms opening: each student hears their room (or what to do), a mentor how many rooms', () => {
    const opened = round();
    assert.deepEqual(texts(breakoutNoticesBetween(null, opened, student, opts())), ['Breakout rooms are open: you are in Room 1.']);
    assert.deepEqual(texts(breakoutNoticesBetween(null, opened, { id: 'dee', manages: false }, opts())), [
      'Breakout rooms are open. Stay in the main class until a mentor places you in a room.',
    ]);
    const choose = round({ assignment: 'self-select', rooms: [room(1, []), room(2, [])] });
    assert.deepEqual(texts(breakoutNoticesBetween(null, choose, student, opts())), ['Breakout rooms are open: choose a room.']);
    assert.deepEqual(texts(breakoutNoticesBetween(null, opened, mentor, opts())), ['Breakout rooms are open: 2 rooms.']);
    assert.deepEqual(breakoutNoticesBetween(opened, opened, student, opts()), [], 'nothing changed');
    assert.deepEqual(breakoutNoticesBetween(null, opened, student, opts({ where: 'room' })), [], 'a room page is past that');
  });

  it('a move that concerns me is told in class, once per move; moves of others are not', () => {
    const before = round();
    const moved = round({ rooms: [room(1, ['bo']), room(2, ['cy', 'ann'])] });
    const notices = breakoutNoticesBetween(before, moved, student, opts({ seq: 7 }));
    assert.deepEqual(texts(notices), ['You were moved to Room 2.']);
    assert.equal(notices[0]?.spoken, true);
    assert.notEqual(notices[0]?.id, breakoutNoticesBetween(before, moved, student, opts({ seq: 9 }))[0]?.id);
    assert.deepEqual(breakoutNoticesBetween(before, moved, { id: 'cy', manages: false }, opts()), []);
    const placed = round({ rooms: [room(1, ['ann', 'bo']), room(2, ['cy', 'dee'])] });
    assert.deepEqual(texts(breakoutNoticesBetween(before, placed, { id: 'dee', manages: false }, opts())), ['You were placed in Room 2.']);
  });

  it('the timer: a new end, then the closing warning, then the close', () => {
    const extended = round({ endsAt: at(900) });
    assert.deepEqual(texts(breakoutNoticesBetween(round(), extended, student, opts({ where: 'room' }))), [
      'Breakout rooms now close in 15:00.',
    ]);
    const closing = round({ status: 'closing', endsAt: at(45) });
    assert.deepEqual(texts(breakoutNoticesBetween(extended, closing, student, opts({ where: 'room' }))), [
      'Breakout rooms close in 0:45: time to finish up.',
    ]);
    const closed = round({ status: 'closed', endsAt: at(45), closedAt: at(45) });
    assert.deepEqual(texts(breakoutNoticesBetween(closing, closed, student, opts())), [CLOSED_NOTICE]);
    assert.deepEqual(breakoutNoticesBetween(closing, closed, student, opts({ where: 'room' })), [], 'the way back tells it');
  });

  it('mentors hear a help request once, wherever they are; students do not', () => {
    const asked = round({ rooms: [room(1, ['ann', 'bo']), room(2, ['cy'], at(30))] });
    assert.deepEqual(texts(breakoutNoticesBetween(round(), asked, mentor, opts({ where: 'room' }))), ['Room 2 asks for help.']);
    assert.deepEqual(breakoutNoticesBetween(asked, round({ ...asked, broadcast: { text: 'hi', at: at(40) } }), mentor, opts()), []);
    assert.deepEqual(breakoutNoticesBetween(round(), asked, student, opts()), []);
  });
});
