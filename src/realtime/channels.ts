import { backoffMs, handlePromiseError, type Log } from '../background.ts';
import type { Db } from '../db/kysely.ts';
import { lastSeq, listEventsAfter, type StoredEvent } from '../events/events.repo.ts';
import { createRoomFanout, type FanoutObserver, type RoomFanout, type RoomNotice, type Slicing } from './fanout.ts';
import type { RealtimeServer, RealtimeSocket } from './server.ts';

/** Recent events kept per session, so a reconnecting client usually catches up without a query. */
const RING_SIZE = 2048;
/** A seq that has not arrived this long after a later one is read from the log. */
const GAP_WAIT_MS = 200;
/** The longest wait between two reads of a gap while the log cannot be read (the database is away). */
const GAP_RETRY_MAX_MS = 10_000;

export const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/**
 * The sockets of a session's managers who joined it: notices for them only (poll:count), outside the log. Not under
 * the `session:` prefix, which names the rooms that follow the event log (resync walks those).
 */
export const managersRoom = (sessionId: string) => `managers:${sessionId}`;

interface Channel {
  /** The last seq handed to the fan-out; every event up to it has gone or is going out, in order. */
  head: number;
  ring: StoredEvent[];
  /** Committed events waiting for an earlier seq before they may go out. */
  pending: Map<number, StoredEvent>;
  ready: Promise<void>;
  loaded: boolean;
  gapTimer?: NodeJS.Timeout;
  /** Reads of the log for a gap that failed in a row: the next waits longer. */
  gapFailures: number;
  /** Subscribes between opening the channel and joining the room: the channel must outlive them. */
  joining: number;
  /** Created once the head is known. */
  fanout?: RoomFanout;
}

/** What a replay returns: events after the client's seq, in order, and whether the log holds more. */
export interface Replay {
  events: StoredEvent[];
  hasMore: boolean;
}

/**
 * The log no longer holds events a replay needs: they were there when the replay began (every seq up to the head is
 * committed, and seqs are gap-free), so they were dropped meanwhile (event retention). Nothing is replayed or joined:
 * a client must never apply a log with a hole in it.
 */
export class ReplayHoleError extends Error {
  readonly sessionId: string;
  readonly after: number;
  constructor(sessionId: string, after: number) {
    super(`The event log of live session ${sessionId} has no event after seq ${after} that a replay needs`);
    this.sessionId = sessionId;
    this.after = after;
  }
}

/**
 * The broadcast port. Services publish committed events; each session's events leave for its room strictly in seq
 * order, framed once per fan-out and written to this node's sockets only (fanout.ts). `subscribe` replays what a client missed and joins it to the room in one step,
 * so every event reaches it exactly once: either in the replay or live, never both, never neither.
 */
export function createChannels(io: RealtimeServer, db: Db, log: Log, slicing?: Slicing, observer?: FanoutObserver) {
  const channels = new Map<string, Channel>();

  function drain(sessionId: string, ch: Channel) {
    const ready: StoredEvent[] = [];
    for (let next = ch.pending.get(ch.head + 1); next; next = ch.pending.get(ch.head + 1)) {
      ch.pending.delete(next.seq);
      ch.head = next.seq;
      ch.ring.push(next);
      ready.push(next);
    }
    if (ch.ring.length > RING_SIZE) ch.ring.splice(0, ch.ring.length - RING_SIZE);
    ch.fanout?.push(ready);
    for (const seq of ch.pending.keys()) if (seq <= ch.head) ch.pending.delete(seq);
    if (ch.pending.size > 0 && !ch.gapTimer) {
      const wait = ch.gapFailures === 0 ? GAP_WAIT_MS : backoffMs(ch.gapFailures, GAP_WAIT_MS, GAP_RETRY_MAX_MS);
      ch.gapTimer = setTimeout(
        () => handlePromiseError(fillGap(sessionId, ch), log, 'filling a gap in the event stream failed', { sessionId }),
        wait,
      );
    }
  }

  /** A later event committed first (another transaction, another node): the missing ones are in the log. */
  async function fillGap(sessionId: string, ch: Channel) {
    ch.gapTimer = undefined;
    let missing: StoredEvent[] = [];
    try {
      missing = await listEventsAfter(db, sessionId, ch.head, 1000);
      ch.gapFailures = 0;
    } catch (err) {
      // The later events wait (the room must not see them out of order); drain() schedules the next read.
      ch.gapFailures += 1;
      log.warn(
        { err, sessionId, head: ch.head, waiting: ch.pending.size, attempts: ch.gapFailures },
        'could not read missing events from the log; retrying',
      );
    }
    // Released while reading: a channel opened since then delivers these, and this one must not again.
    if (channels.get(sessionId) !== ch) return;
    for (const e of missing) if (e.seq > ch.head) ch.pending.set(e.seq, e);
    drain(sessionId, ch);
  }

  function open(sessionId: string): Channel {
    let ch = channels.get(sessionId);
    if (ch) return ch;
    const created: Channel = { head: 0, ring: [], pending: new Map(), loaded: false, ready: Promise.resolve(), joining: 0, gapFailures: 0 };
    created.ready = (async () => {
      const seq = await lastSeq(db, sessionId);
      // Warm the ring, so a reconnect storm after a restart replays from memory instead of one query per client.
      const recent = await listEventsAfter(db, sessionId, Math.max(0, seq - RING_SIZE), RING_SIZE, seq);
      created.head = seq;
      created.ring = recent;
      created.fanout = createRoomFanout(io, sessionRoom(sessionId), seq, slicing, observer);
      created.loaded = true;
      drain(sessionId, created);
    })().catch((err: unknown) => {
      // A failed first read must not wedge the session until restart: the next join opens a fresh channel.
      if (channels.get(sessionId) === created) channels.delete(sessionId);
      throw err;
    });
    channels.set(sessionId, created);
    ch = created;
    return ch;
  }

  /** The last seq a joiner must get by replay: later ones reach it live. */
  const fanned = (ch: Channel) => ch.fanout?.fanned() ?? ch.head;

  /** Events after `since` up to `fanned`: from the ring when it reaches back far enough, else the log. */
  async function catchUp(sessionId: string, ch: Channel, since: number, limit: number): Promise<Replay> {
    const events: StoredEvent[] = [];
    let last = since;
    // Loops only if more than RING_SIZE events went out while the log was being read.
    for (let round = 0; round < 5; round++) {
      const first = ch.ring[0];
      if (first && first.seq <= last + 1) {
        const upTo = fanned(ch);
        for (const e of ch.ring) if (e.seq > last && e.seq <= upTo) events.push(e);
        return events.length > limit ? { events: events.slice(0, limit), hasMore: true } : { events, hasMore: false };
      }
      if (last >= fanned(ch)) return { events, hasMore: false };
      const fromLog = await listEventsAfter(db, sessionId, last, limit - events.length + 1, fanned(ch));
      // Checked on what was read, not on a mark read before it: retention may drop rows between any two statements.
      if (fromLog[0]?.seq !== last + 1) throw new ReplayHoleError(sessionId, last);
      events.push(...fromLog);
      if (events.length > limit) return { events: events.slice(0, limit), hasMore: true };
      last = events.at(-1)?.seq ?? last;
    }
    return { events, hasMore: true };
  }

  /** Forgets a session once nobody here listens to it or is joining it: its ring is not worth the memory. */
  function release(sessionId: string): void {
    const ch = channels.get(sessionId);
    if (!ch || ch.joining > 0 || io.sockets.adapter.rooms.get(sessionRoom(sessionId))?.size) return;
    clearTimeout(ch.gapTimer);
    ch.fanout?.close();
    channels.delete(sessionId);
  }

  return {
    /** Hands committed events to the room. Without a channel no socket here listens; the log keeps them. */
    publish(sessionId: string, events: StoredEvent[]): void {
      const ch = channels.get(sessionId);
      if (!ch) return;
      for (const e of events) if (e.seq > ch.head) ch.pending.set(e.seq, e);
      if (ch.loaded) drain(sessionId, ch);
    },

    /**
     * Replays events after `since` (none when undefined) and joins the socket to the room, atomically. `onJoined`
     * runs in the same tick as the join, so an ack sent from it precedes every live event on the wire. The replay
     * ends at the last event a fan-out has begun with; the fan-out going out skips this socket, later ones include it.
     */
    async subscribe(
      socket: RealtimeSocket,
      sessionId: string,
      since: number | undefined,
      limit: number,
      onJoined: (replay: Replay) => void,
    ): Promise<void> {
      const ch = open(sessionId);
      ch.joining += 1;
      let replay: Replay;
      try {
        await ch.ready;
        replay = since === undefined ? { events: [], hasMore: false } : await catchUp(sessionId, ch, since, limit);
      } catch (err) {
        // Nobody joined: a channel opened for this join alone is not kept.
        ch.joining -= 1;
        release(sessionId);
        throw err;
      }
      ch.joining -= 1;
      // No await from here on: no fan-out can begin between the replay's last event and the join.
      const upTo = fanned(ch);
      const from = replay.events.at(-1)?.seq ?? since ?? upTo;
      const tail = replay.hasMore ? [] : ch.ring.filter((e) => e.seq > from && e.seq <= upTo);
      const room = sessionRoom(sessionId);
      // A socket already in the room without a replay keeps its live stream; any other gets the run's events by replay.
      if (since !== undefined || !socket.rooms.has(room)) ch.fanout?.joined(socket.id, since);
      socket.join(room);
      onJoined({ events: since === undefined ? [] : [...replay.events, ...tail], hasMore: replay.hasMore });
    },

    /**
     * Tells the session's room on this node something that is not a logged event (a reaction burst); it rides with
     * the room's next writes (fanout.ts). Without a channel no socket here listens, and there is nobody to tell.
     */
    notify(sessionId: string, notice: RoomNotice): void {
      channels.get(sessionId)?.fanout?.notify(notice);
    },

    /** The newest seq this node has handed to the session's fan-out (0 when it has no channel). */
    head(sessionId: string): number {
      return channels.get(sessionId)?.head ?? 0;
    },

    release,

    closeAll(): void {
      for (const ch of channels.values()) {
        clearTimeout(ch.gapTimer);
        ch.fanout?.close();
      }
      channels.clear();
    },
  };
}

export type Channels = ReturnType<typeof createChannels>;
