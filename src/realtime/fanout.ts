import type { StoredEvent } from '../events/events.repo.ts';
import type { ReactionBurst } from '../reactions/reactions.schemas.ts';
import type { RoomEvent } from './protocol.ts';
import type { RealtimeServer, RealtimeSocket } from './server.ts';
import { encodeEvent, writeFrames, wsTextFrame } from './wire.ts';

/**
 * How long one slice of a fan-out may hold the event loop. 5,000 recipients take tens of milliseconds; in slices,
 * acks, joins and pings are served in between, so no stall outlasts a slice. Short, because a chat message's commit
 * is about ten database round trips, and each reply that lands during a slice waits for its end (the measurements
 * that chose 2 ms are in docs/performance.md, "Sustained class").
 */
const DEFAULT_SLICING: Slicing = { sliceMs: 2, checkEvery: 16 };

/**
 * While a room is behind, each slice is followed by a rest this many times as long: fan-out then takes at most
 * about 1 / 1.8 ≈ 55% of the core (the rest is a timer, so it is only as exact as a millisecond), and commits, acks
 * and joins the rest. Longer rests raised the chat p99, shorter ones brought stalls back (docs/performance.md).
 */
const REST_PER_SLICE = 0.8;

/** How long a slice may run, and how many recipients go between two looks at the clock (tests slice finer). */
export interface Slicing {
  sliceMs: number;
  checkEvery: number;
}

/** The opt-in batch frame: every room event a write carries, in seq order, in one Socket.IO event. */
export const BATCH_EVENT = 'events';

/** What the metrics see of fan-out: a count per push and per pass, and each write that fell back to socket.emit. */
export interface FanoutObserver {
  pushed(events: number): void;
  passed(writes: number): void;
  fellBack(socket: RealtimeSocket): void;
}

/**
 * A notice to the whole room that is not a logged event (a reaction burst): no seq, no replay, heard once by the
 * members of the room while it goes out. It rides in the same write as the events a member is owed, so it costs no
 * write of its own while the room is busy (docs/performance.md, "With reactions and hands").
 */
export interface RoomNotice {
  event: 'reaction:burst';
  payload: ReactionBurst;
}

interface HeldNotice {
  id: number;
  notice: RoomNotice;
  frame: Buffer;
}

interface Pass {
  /** The room's local members when the pass began; a joiner after that is caught up by its replay and later passes. */
  members: string[];
  next: number;
  /** The newest seq when the pass began: once the pass is over, every member has every event up to it. */
  head: number;
  /** The same for notices. */
  noticeHead: number;
  /** Sockets written to so far. */
  writes: number;
}

/** What one write carries to a socket that has every event up to some seq: every later one, framed once per pass. */
interface Frames {
  plain?: Buffer;
  batch?: Buffer;
}

/**
 * One session room's deliveries on this node: a sweep over the room's members, in slices that yield to the event
 * loop, that writes to each member every event it does not have yet, in seq order, in one write. `sent` remembers
 * per socket the newest seq written to it (or given by its replay), so an event that becomes ready mid-sweep still
 * reaches the members the sweep has not passed yet, and the others on the next pass: an event waits at most one pass
 * for any member, never for a whole fan-out to finish before its own begins.
 *
 * Exactly once for joiners: a socket that subscribes replays up to `fanned()` (the newest event when the pass going
 * out began) and is recorded as having it (`joined`); later events reach it live, from the next pass on.
 *
 * Only this node's sockets are written to (the local room), whatever adapter is installed: in a cluster every node
 * runs its own fan-out of the same events.
 */
export function createRoomFanout(
  io: RealtimeServer,
  room: string,
  fannedAtStart: number,
  slicing: Slicing = DEFAULT_SLICING,
  observer?: FanoutObserver,
) {
  const { sliceMs, checkEvery } = slicing;
  /** Events after `settled`, in seq order: some member may still lack them. */
  let held: StoredEvent[] = [];
  /** Every member has every event up to this one. */
  let settled = fannedAtStart;
  /** The newest event handed over. */
  let head = fannedAtStart;
  /** Per socket, the newest seq it has (written or replayed). */
  const sent = new Map<string, number>();
  /** Frames for the current head, by the seq the recipient has: a pass needs only a few distinct ones. */
  let frames = new Map<number, Frames>();
  /** Notices after `noticeSettled`, oldest first; numbered from 1 by `noticeHead`, as events are by seq. */
  let notices: HeldNotice[] = [];
  let noticeSettled = 0;
  let noticeHead = 0;
  /** Per socket, the newest notice it has, when it is not the settled one. */
  const noticed = new Map<string, number>();
  /** The frames of every notice after a number, by that number. */
  let noticeFrames = new Map<number, Buffer>();
  let pass: Pass | undefined;
  let timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  /** Set while passes follow each other because events keep coming: then the sweep rests between slices (pump). */
  let behind = false;

  const after = (seq: number) => held.filter((e) => e.seq > seq);
  const noticesAfter = (id: number) => notices.filter((n) => n.id > id);
  const idle = () => head === settled && noticeHead === noticeSettled;

  /** One buffer of every event after `has`, as this socket takes them (one batch frame, or one frame each). */
  function eventFrames(batch: boolean, has: number): Buffer {
    // Per recipient: no closure for a get-or-create here.
    let f = frames.get(has);
    if (!f) {
      f = {};
      frames.set(has, f);
    }
    if (batch) {
      // Casts: TypeScript cannot pair each name with its payload across a union; every event was checked as a draft.
      f.batch ??= wsTextFrame(
        encodeEvent(
          BATCH_EVENT,
          after(has).map((e) => ({ event: e.event, payload: e.payload }) as RoomEvent),
        ),
      );
      return f.batch;
    }
    f.plain ??= Buffer.concat(after(has).map((e) => wsTextFrame(encodeEvent(e.event, e.payload))));
    return f.plain;
  }

  function noticeFramesAfter(id: number): Buffer {
    let f = noticeFrames.get(id);
    if (!f) {
      f = Buffer.concat(noticesAfter(id).map((n) => n.frame));
      noticeFrames.set(id, f);
    }
    return f;
  }

  /** Writes what the socket lacks, events first, then notices, in one write (the normal emits if it cannot). */
  function deliver(socket: RealtimeSocket, has: number, hasNotice: number) {
    const batch = socket.data.batch === true;
    const owed = has < head ? eventFrames(batch, has) : undefined;
    const told = hasNotice < noticeHead ? noticeFramesAfter(hasNotice) : undefined;
    if (owed ? writeFrames(socket, owed, told) : told && writeFrames(socket, told)) return;
    observer?.fellBack(socket);
    if (owed && batch)
      socket.emit(
        BATCH_EVENT,
        after(has).map((e) => ({ event: e.event, payload: e.payload }) as RoomEvent),
      );
    else if (owed) for (const e of after(has)) socket.emit(e.event, e.payload as never);
    if (told) for (const n of noticesAfter(hasNotice)) socket.emit(n.notice.event, n.notice.payload);
  }

  /** Sweeps on until the slice's time is up; false when the pass is not finished. */
  function advance(p: Pass, deadline: number): boolean {
    const current = io.sockets.adapter.rooms.get(room);
    const sockets = io.sockets.sockets;
    while (p.next < p.members.length) {
      const id = p.members[p.next++] as string;
      // A socket that left (or disconnected) since the pass began hears no more of this room.
      const socket = current?.has(id) ? sockets.get(id) : undefined;
      // A member never recorded (joined the room other than by subscribing) has at least what everyone has.
      const has = socket ? (sent.get(id) ?? settled) : head;
      const hasNotice = socket ? (noticed.get(id) ?? noticeSettled) : noticeHead;
      if (socket && (has < head || hasNotice < noticeHead)) {
        deliver(socket, has, hasNotice);
        sent.set(id, head);
        if (hasNotice < noticeHead) noticed.set(id, noticeHead);
        p.writes += 1;
      }
      if (p.next % checkEvery === 0 && performance.now() >= deadline) return p.next >= p.members.length;
    }
    return true;
  }

  /** A pass is over: what every member has is dropped, and so is what is remembered of sockets that left. */
  function finish(p: Pass) {
    observer?.passed(p.writes);
    settled = p.head;
    held = after(settled);
    noticeSettled = p.noticeHead;
    notices = noticesAfter(noticeSettled);
    const current = io.sockets.adapter.rooms.get(room);
    if (sent.size > (current?.size ?? 0)) for (const id of sent.keys()) if (!current?.has(id)) sent.delete(id);
    // Everyone has the settled notices: only a member that got a later one mid-pass needs remembering.
    for (const [id, has] of noticed) if (has <= noticeSettled || !current?.has(id)) noticed.delete(id);
  }

  /**
   * Runs slices until every member has every event. A big room's pass is mostly one kernel write per recipient, so
   * back-to-back passes could take the whole core from commits, acks and joins: while a pass ends with events already
   * waiting, each later slice is followed by a rest (REST_PER_SLICE), so fan-out gets at most ~55% of the core, and
   * a pass to 5,000 carries more events rather than coming more often. Resting after every slice rather than after a
   * whole pass keeps commits, acks and the clients' reads flowing evenly. A message after a quiet spell goes out at
   * full speed, and a small room (a pass of microseconds) never waits.
   */
  function pump() {
    timer = undefined;
    const start = performance.now();
    const deadline = start + sliceMs;
    for (;;) {
      if (!pass) {
        if (idle()) return;
        pass = { members: [...(io.sockets.adapter.rooms.get(room) ?? [])], next: 0, head, noticeHead, writes: 0 };
      }
      const done = advance(pass, deadline);
      if (done) {
        // Only events make the room behind: a burst that came mid-pass must not make the next pass, and chat, rest.
        behind = head > pass.head;
        finish(pass);
        pass = undefined;
        if (idle()) return;
      }
      const end = performance.now();
      if (end >= deadline) {
        timer = behind ? setTimeout(pump, (end - start) * REST_PER_SLICE) : setImmediate(pump);
        return;
      }
    }
  }

  return {
    /** Hands over committed events, in seq order after every earlier one. An idle room starts sending them now. */
    push(events: StoredEvent[]): void {
      if (events.length === 0) return;
      held.push(...events);
      observer?.pushed(events.length);
      head = (events.at(-1) as StoredEvent).seq;
      frames = new Map();
      if (!timer) pump();
    },
    /**
     * Tells the room's members something that is not a logged event. It goes with the next pass (the one going out
     * reaches the members it has not passed yet), in the same write as the events each is owed; an idle room starts
     * a pass for it now. Each member present while it goes out hears it once; a joiner after it does not.
     */
    notify(notice: RoomNotice): void {
      noticeHead += 1;
      notices.push({ id: noticeHead, notice, frame: wsTextFrame(encodeEvent(notice.event, notice.payload)) });
      noticeFrames = new Map();
      if (!timer) pump();
    },
    /** The newest event when the pass going out began (else the newest): a joiner replays up to it, later ones live. */
    fanned(): number {
      return pass?.head ?? head;
    },
    /**
     * `socketId` joins with a replay up to `fanned()`, or asked for events after `since`: no pass may send it again
     * what it has. A member already in the room may have had later events live than the replay reaches.
     */
    joined(socketId: string, since?: number): void {
      sent.set(socketId, Math.min(head, Math.max(pass?.head ?? head, since ?? 0)));
      // Notices are not replayed: a joiner hears those told after it joined. A member already in the room that joins
      // again (a resync on the same socket) still hears those going out.
      if (noticeHead > noticeSettled && !io.sockets.adapter.rooms.get(room)?.has(socketId)) noticed.set(socketId, noticeHead);
    },
    /** Whether some member may still lack an event (tests use it). */
    busy(): boolean {
      return !idle();
    },
    close(): void {
      clearImmediate(timer as NodeJS.Immediate);
      clearTimeout(timer as NodeJS.Timeout);
      timer = undefined;
      pass = undefined;
      held = [];
      settled = head;
      sent.clear();
      frames = new Map();
      notices = [];
      noticeSettled = noticeHead;
      noticed.clear();
      noticeFrames = new Map();
    },
  };
}

export type RoomFanout = ReturnType<typeof createRoomFanout>;
