import type { Actor } from '../auth/actor.ts';
import { createBatcher } from '../db/batcher.ts';
import { type ClassDeps, recordChange } from '../realtime/class-deps.ts';
import { insertAuditEntries } from '../audit/audit.repo.ts';
import { closeSegment, listOpenSocketSegments, openSegment } from './attendance.repo.ts';

/** Names listed per presence:update; a join storm is summarized by the totals. */
const LISTED = 100;
const FLUSH_MS = 1000;

export interface Person {
  id: string;
  name: string;
  role: string;
}

interface Present {
  person: Person;
  sockets: number;
  closeTimer?: NodeJS.Timeout;
}

interface Room {
  courseId: string | null;
  users: Map<string, Present>;
  joined: Map<string, Person>;
  left: Map<string, Person>;
  flushTimer?: NodeJS.Timeout;
}

type SegmentOp = { open: boolean; sessionId: string; courseId: string | null; person: Person; ip: string | null; at: Date };

/**
 * Live presence from the session room. A user's first socket opens their attendance segment; when their last socket
 * goes, the segment closes after a grace period (a flaky connection does not split attendance), so several tabs
 * count once. Who joined and left is coalesced into at most one presence:update per second per session.
 */
export function createPresence(deps: ClassDeps, graceMs: number) {
  const rooms = new Map<string, Room>();
  const segments = createBatcher<SegmentOp, void>(deps.db, async (trx, ops) => {
    for (const op of ops) {
      if (op.open) await openSegment(trx, op.sessionId, op.person.id, op.at, 'socket');
      else await closeSegment(trx, op.sessionId, op.person.id, op.at);
    }
    // Attendance from the room is audited like REST joins and leaves, in the same transaction.
    await insertAuditEntries(
      trx,
      ops.map((op) => ({
        actorId: op.person.id,
        actorRole: op.person.role,
        action: op.open ? 'attendance.join' : 'attendance.leave',
        targetType: 'session',
        targetId: op.sessionId,
        courseId: op.courseId,
        sessionId: op.sessionId,
        outcome: 'success' as const,
        ip: op.ip,
        details: { via: 'socket' },
      })),
    );
    return ops.map(() => undefined);
  });

  const room = (sessionId: string, courseId: string | null) => {
    let r = rooms.get(sessionId);
    if (!r) rooms.set(sessionId, (r = { courseId, users: new Map(), joined: new Map(), left: new Map() }));
    return r;
  };

  function announce(sessionId: string, r: Room) {
    r.flushTimer ??= setTimeout(() => void flush(sessionId, r), FLUSH_MS);
  }

  async function flush(sessionId: string, r: Room) {
    r.flushTimer = undefined;
    if (r.joined.size === 0 && r.left.size === 0) return;
    const joined = [...r.joined.values()];
    const left = [...r.left.values()];
    r.joined.clear();
    r.left.clear();
    const payload = {
      count: r.users.size,
      joined: joined.slice(0, LISTED),
      left: left.slice(0, LISTED),
      joinedTotal: joined.length,
      leftTotal: left.length,
    };
    await recordChange(deps, sessionId, async () => ({ result: null, events: [{ event: 'presence:update', payload }] })).catch(
      () => {},
    );
    if (r.users.size === 0 && !r.flushTimer) rooms.delete(sessionId);
  }

  async function close(sessionId: string, r: Room, userId: string, present: Present) {
    if (present.sockets > 0 || r.users.get(userId) !== present) return;
    r.users.delete(userId);
    await segments.submit({ open: false, sessionId, courseId: r.courseId, person: present.person, ip: null, at: new Date() });
    if (r.joined.has(userId)) r.joined.delete(userId);
    else r.left.set(userId, present.person);
    announce(sessionId, r);
  }

  return {
    /** A socket of the actor entered the session room. Resolves once their segment is committed. */
    async enter(actor: Actor, sessionId: string, courseId: string): Promise<void> {
      const r = room(sessionId, courseId);
      const present = r.users.get(actor.id);
      if (present) {
        present.sockets += 1;
        clearTimeout(present.closeTimer);
        present.closeTimer = undefined;
        return;
      }
      const person = { id: actor.id, name: actor.name, role: actor.role };
      const entry: Present = { person, sockets: 1 };
      r.users.set(actor.id, entry);
      try {
        await segments.submit({ open: true, sessionId, courseId, person, ip: actor.ip, at: new Date() });
      } catch (err) {
        if (r.users.get(actor.id) === entry) r.users.delete(actor.id);
        throw err;
      }
      if (r.left.has(actor.id)) r.left.delete(actor.id);
      else r.joined.set(actor.id, person);
      announce(sessionId, r);
    },

    /**
     * A socket left: at once when it said so (resolving once the segment is closed), after the grace period when it
     * dropped.
     */
    async exit(actor: Actor, sessionId: string, opts: { grace: boolean }): Promise<void> {
      const r = rooms.get(sessionId);
      const present = r?.users.get(actor.id);
      if (!r || !present) return;
      present.sockets = Math.max(0, present.sockets - 1);
      if (present.sockets > 0) return;
      if (opts.grace && graceMs > 0) {
        present.closeTimer = setTimeout(() => void close(sessionId, r, actor.id, present).catch(() => {}), graceMs);
      } else {
        await close(sessionId, r, actor.id, present);
      }
    },

    /** Who is in the room now (users in their grace period still count); the list only when asked for. */
    snapshot(sessionId: string, withUsers: boolean): { count: number; users: Person[] } {
      const present = rooms.get(sessionId)?.users;
      const users = withUsers ? [...(present?.values() ?? [])].map((p) => p.person) : [];
      return { count: present?.size ?? 0, users };
    },

    /** After a restart: segments sockets left open get the grace period to be picked up again. */
    async recover(): Promise<number> {
      const open = await listOpenSocketSegments(deps.db);
      for (const seg of open) {
        const r = room(seg.session_id, seg.course_id);
        const present: Present = { person: { id: seg.user_id, name: seg.name, role: seg.role ?? 'student' }, sockets: 0 };
        r.users.set(seg.user_id, present);
        present.closeTimer = setTimeout(() => void close(seg.session_id, r, seg.user_id, present).catch(() => {}), graceMs);
      }
      return open.length;
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

export type Presence = ReturnType<typeof createPresence>;
