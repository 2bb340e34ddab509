import type { Server, Socket } from 'socket.io';
import type { StoredEvent } from '../events/events.repo.ts';
import { encodeEvent, writeFrames, wsTextFrame } from './wire.ts';

/**
 * How long one slice of a fan-out may hold the event loop. 5,000 recipients take tens of milliseconds; in slices,
 * acks, joins and pings are served in between, so no stall outlasts a slice.
 */
const DEFAULT_SLICING: Slicing = { sliceMs: 8, checkEvery: 64 };

/** How long a slice may run, and how many recipients go between two looks at the clock (tests slice finer). */
export interface Slicing {
  sliceMs: number;
  checkEvery: number;
}

/** The opt-in batch frame: every room event a fan-out carries, in seq order, in one Socket.IO event. */
export const BATCH_EVENT = 'events';

interface Run {
  events: StoredEvent[];
  /** The room's local members when the run began; joiners after that are covered by their replay. */
  members: string[];
  next: number;
  /** Sockets that joined during the run with a replay that already holds its events. */
  skip: Set<string>;
  plain: Buffer;
  batch?: Buffer;
  startedAt: number;
}

/**
 * One session room's deliveries on this node. Events are fanned out strictly one run after another, each run to the
 * room's members as they were when it began, in slices that yield to the event loop; what becomes ready while a run
 * is going out waits and leaves together in the next one, one write per recipient. So under load the batching window
 * grows with the fan-out time, and an idle room sends its first slice at once.
 *
 * Exactly once for joiners: `fanned` is the last seq taken into a run. A socket that subscribes replays up to
 * `fanned` and is skipped by the run in progress (`joined`); later events reach it live.
 *
 * Only this node's sockets are written to (the local room), whatever adapter is installed: in a cluster every node
 * runs its own fan-out of the same events.
 */
export function createRoomFanout(io: Server, room: string, fannedAtStart: number, slicing: Slicing = DEFAULT_SLICING) {
  const { sliceMs, checkEvery } = slicing;
  let queue: StoredEvent[] = [];
  let run: Run | undefined;
  let timer: NodeJS.Immediate | NodeJS.Timeout | undefined;
  let fanned = fannedAtStart;
  /** No run starts before this: after a run, the room rests as long as the run took (see pump). */
  let restUntil = 0;

  function begin(): Run {
    const events = queue;
    queue = [];
    fanned = events.at(-1)!.seq;
    const members = [...(io.sockets.adapter.rooms.get(room) ?? [])];
    const plain = Buffer.concat(events.map((e) => wsTextFrame(encodeEvent(e.event, e.payload))));
    return { events, members, next: 0, skip: new Set(), plain, startedAt: performance.now() };
  }

  function deliver(socket: Socket, r: Run) {
    if (socket.data.batch === true) {
      r.batch ??= wsTextFrame(encodeEvent(BATCH_EVENT, r.events.map((e) => ({ event: e.event, payload: e.payload }))));
      if (!writeFrames(socket, r.batch)) socket.emit(BATCH_EVENT, r.events.map((e) => ({ event: e.event, payload: e.payload })));
    } else if (!writeFrames(socket, r.plain)) {
      for (const e of r.events) socket.emit(e.event, e.payload);
    }
  }

  /** Delivers until the slice's time is up; false when the run is not finished. */
  function advance(r: Run, deadline: number): boolean {
    const current = io.sockets.adapter.rooms.get(room);
    const sockets = io.sockets.sockets;
    while (r.next < r.members.length) {
      const id = r.members[r.next++]!;
      // A socket that left (or disconnected) since the run began hears no more of this room.
      const socket = current?.has(id) && !r.skip.has(id) ? sockets.get(id) : undefined;
      if (socket) deliver(socket, r);
      if (r.next % checkEvery === 0 && performance.now() >= deadline) return r.next >= r.members.length;
    }
    return true;
  }

  /**
   * Runs slices until the queue is empty. A big room's fan-out is mostly one kernel write per recipient, so back-to-
   * back runs could take the whole core from commits, acks and joins: after a run that ends with more events already
   * waiting, the room rests as long as the run took, and what arrives meanwhile leaves together in the next run. Fan-out gets at most half the core, a run
   * of 5,000 carries more events rather than coming more often, and a small room (a run of microseconds) never waits.
   */
  function pump() {
    timer = undefined;
    const deadline = performance.now() + sliceMs;
    for (;;) {
      if (!run && queue.length > 0) {
        const wait = restUntil - performance.now();
        if (wait > 1) {
          timer = setTimeout(pump, wait);
          return;
        }
        run = begin();
      }
      if (!run) return;
      if (!advance(run, deadline)) {
        timer = setImmediate(pump);
        return;
      }
      const end = performance.now();
      // Only a room that is falling behind rests: a message after a quiet spell goes out at once.
      restUntil = queue.length > 0 ? end + (end - run.startedAt) : 0;
      run = undefined;
      if (end >= deadline && queue.length > 0) {
        timer = setImmediate(pump);
        return;
      }
    }
  }

  return {
    /** Queues committed events, in seq order after every queued one. An idle room starts sending them now. */
    push(events: StoredEvent[]): void {
      if (events.length === 0) return;
      queue.push(...events);
      if (!run && !timer) pump();
    },
    /** The last seq taken into a fan-out: every socket that was in the room then has it or will get it live. */
    fanned(): number {
      return fanned;
    },
    /** `socketId` joins with a replay up to `fanned()`: the run going out must not send it those events again. */
    joined(socketId: string): void {
      run?.skip.add(socketId);
    },
    /** Whether a socket in the room still has events of this room coming (tests and release use it). */
    busy(): boolean {
      return run !== undefined || queue.length > 0;
    },
    close(): void {
      clearImmediate(timer as NodeJS.Immediate);
      clearTimeout(timer as NodeJS.Timeout);
      timer = undefined;
      run = undefined;
      queue = [];
    },
  };
}

export type RoomFanout = ReturnType<typeof createRoomFanout>;
