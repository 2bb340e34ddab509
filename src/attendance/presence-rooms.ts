import { handlePromiseError } from '../background.ts';
import { type ClassDeps, recordChange } from '../classroom/class-deps.ts';
import { getOrCreate } from '../maps.ts';
import { mirrorFailed, type PresenceMirror } from './presence-mirror.ts';

/** Names listed per presence:update; a join storm is summarized by the totals. */
const LISTED = 100;
/** At most one presence:update per session this often; the other nodes' people are reread at most this often. */
export const FLUSH_MS = 1000;
/** A presence:update that failed is tried again after this, doubling while it keeps failing. */
const FLUSH_RETRY_MAX_MS = 30_000;

/** Someone in a class, as presence:update and the join ack list them (the one declaration; protocol.ts re-exports it). */
export interface Person {
  id: string;
  name: string;
  role: string;
}

/** Someone present through this node. */
export interface Present {
  person: Person;
  sockets: number;
  /** Held for a segment no socket here opened (after a restart, or a dead node's). */
  adopted?: boolean;
  closeTimer?: NodeJS.Timeout;
}

export interface Room {
  courseId: string | null;
  /** People with a socket in the room on this node (or in their grace period). */
  users: Map<string, Present>;
  /** People present on other nodes only, as last read from the mirror (at `othersAt`). */
  others: Map<string, Person>;
  othersAt: number;
  joined: Map<string, Person>;
  left: Map<string, Person>;
  flushTimer?: NodeJS.Timeout;
  /** presence:update writes that failed in a row (the database is away): the next waits longer. */
  flushFailures: number;
}

/**
 * This node's session rooms as presence keeps them: who is here, who is on the other nodes (as the mirror last said),
 * and what each room hears of it: who joined and left, coalesced into at most one presence:update per second per
 * session, and retried with a growing wait while the database is away.
 */
export function createPresenceRooms(deps: Pick<ClassDeps, 'db' | 'publish' | 'log'>, mirror: PresenceMirror) {
  const { log } = deps;
  const rooms = new Map<string, Room>();

  function announce(sessionId: string, r: Room, delayMs = FLUSH_MS) {
    r.flushTimer ??= setTimeout(() => handlePromiseError(flush(sessionId, r), log, 'presence:update failed', { sessionId }), delayMs);
  }

  async function readOthers(sessionId: string, r: Room) {
    r.othersAt = Date.now();
    const others = await mirror.others(sessionId).catch(mirrorFailed(log, 'others', sessionId));
    if (others) r.others = new Map(others.filter((p) => !r.users.has(p.id)).map((p) => [p.id, p]));
  }

  async function flush(sessionId: string, r: Room) {
    r.flushTimer = undefined;
    if (r.joined.size === 0 && r.left.size === 0) return;
    await readOthers(sessionId, r);
    const joined = [...r.joined.values()];
    const left = [...r.left.values()];
    r.joined.clear();
    r.left.clear();
    const payload = {
      count: r.users.size + r.others.size,
      joined: joined.slice(0, LISTED),
      left: left.slice(0, LISTED),
      joinedTotal: joined.length,
      leftTotal: left.length,
    };
    try {
      await recordChange(deps, sessionId, async () => ({ result: null, events: [{ event: 'presence:update', payload }] }));
      r.flushFailures = 0;
    } catch (err) {
      // Who joined and left is still owed to the room: put back (unless it changed meanwhile) and try again later.
      for (const p of joined) if (!r.left.has(p.id)) r.joined.set(p.id, p);
      for (const p of left) if (!r.joined.has(p.id)) r.left.set(p.id, p);
      r.flushFailures += 1;
      const retryInMs = Math.min(FLUSH_RETRY_MAX_MS, FLUSH_MS * 2 ** r.flushFailures);
      log.warn({ err, sessionId, attempts: r.flushFailures, retryInMs }, 'presence:update failed; retrying');
      if (rooms.get(sessionId) === r) announce(sessionId, r, retryInMs);
    }
    dropIfIdle(sessionId, r);
  }

  /** Forgets the room once nobody here is in it and no presence:update is owed to it. */
  function dropIfIdle(sessionId: string, r: Room) {
    if (r.users.size === 0 && !r.flushTimer) rooms.delete(sessionId);
  }

  return {
    /** The session's room, opened on first use. */
    open(sessionId: string, courseId: string | null): Room {
      return getOrCreate(
        rooms,
        sessionId,
        (): Room => ({
          courseId,
          users: new Map(),
          others: new Map(),
          othersAt: 0,
          joined: new Map(),
          left: new Map(),
          flushFailures: 0,
        }),
      );
    },
    get: (sessionId: string): Room | undefined => rooms.get(sessionId),
    entries: () => rooms.entries(),
    dropIfIdle,
    readOthers,

    /** Their segment opened: the room hears they joined (or, if they had just left, nothing). */
    joined(sessionId: string, r: Room, person: Person): void {
      if (r.left.has(person.id)) r.left.delete(person.id);
      else r.joined.set(person.id, person);
      announce(sessionId, r);
    },

    /** Their segment closed: the room hears they left (or, if they had just joined, nothing). */
    left(sessionId: string, r: Room, person: Person): void {
      if (r.joined.has(person.id)) r.joined.delete(person.id);
      else r.left.set(person.id, person);
      announce(sessionId, r);
    },

    /** Who is in the room now (users in their grace period still count); the list only when asked for. */
    snapshot(sessionId: string, withUsers: boolean): { count: number; users: Person[] } {
      const r = rooms.get(sessionId);
      if (!r) return { count: 0, users: [] };
      const users = withUsers ? [...[...r.users.values()].map((p) => p.person), ...r.others.values()] : [];
      return { count: r.users.size + r.others.size, users };
    },

    stop(): void {
      for (const r of rooms.values()) {
        clearTimeout(r.flushTimer);
        for (const p of r.users.values()) clearTimeout(p.closeTimer);
      }
      rooms.clear();
    },
  };
}

export type PresenceRooms = ReturnType<typeof createPresenceRooms>;
