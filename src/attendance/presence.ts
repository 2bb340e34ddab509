import type { Actor } from '../auth/actor.ts';
import { createRetries, handlePromiseError } from '../background.ts';
import type { ClassDeps } from '../classroom/class-deps.ts';
import { listOpenSocketSegments } from './attendance.repo.ts';
import { mirrorFailed, type PresenceMirror, soloMirror } from './presence-mirror.ts';
import { createPresenceRooms, FLUSH_MS, type Person, type Present, type Room } from './presence-rooms.ts';
import { createSegmentWriter } from './segment-writer.ts';

/**
 * Live presence from the session room. A user's first socket opens their attendance segment; when their last socket
 * goes, the segment closes after a grace period (a flaky connection does not split attendance), so several tabs
 * count once. The room hears who joined and left through presence-rooms.ts.
 *
 * With several nodes, the mirror (Redis) says who is present on the others: a user's segment opens with their first
 * socket anywhere and closes with their last socket anywhere, and counts are of the whole class.
 */
export function createPresence(deps: ClassDeps, graceMs: number, mirror: PresenceMirror = soloMirror) {
  const { log } = deps;
  const rooms = createPresenceRooms(deps, mirror);
  // Set once this node has cleared its part of the mirror (shutdown): heal work still under way must not restore it.
  let leftMirror = false;
  const segments = createSegmentWriter(deps.db, deps.observeBatches?.('attendance'));
  // A closed segment is owed: a failed close is retried until the database answers (or the process stops, when the
  // segment stays open and the next start adopts and closes it, see recover()).
  const retries = createRetries(log);
  const added = (sessionId: string, person: Person) =>
    mirror
      .add(sessionId, person)
      .catch(mirrorFailed(log, 'add', sessionId))
      .then((v) => v ?? false);
  const removed = (sessionId: string, userId: string) =>
    mirror
      .remove(sessionId, userId)
      .catch(mirrorFailed(log, 'remove', sessionId))
      .then((v) => v ?? false);

  async function close(sessionId: string, r: Room, userId: string, present: Present) {
    if (present.sockets > 0 || r.users.get(userId) !== present) return;
    r.users.delete(userId);
    // Redis away: unknown for a segment no socket here opened (another node may hold them), nobody else otherwise.
    const elsewhere = await mirror.remove(sessionId, userId).catch((err: unknown) => {
      mirrorFailed(log, 'remove', sessionId)(err);
      return present.adopted ? undefined : false;
    });
    // Back on this node meanwhile, or still (or perhaps) on another: their segment stays open, and they never left.
    if (r.users.has(userId) || elsewhere !== false) {
      rooms.dropIfIdle(sessionId, r);
      return;
    }
    const left = new Date();
    await retries.run('closing an attendance segment', { sessionId, userId }, () => closeSegment(sessionId, r, present.person, left));
  }

  /** Closes a segment at `at` (the time they left, however late the database answers) and tells the room. */
  async function closeSegment(sessionId: string, r: Room, person: Person, at: Date) {
    // Came back while the database was away: the segment that is still open is theirs again.
    if (rooms.get(sessionId)?.users.has(person.id)) return;
    await segments.submit({ open: false, sessionId, courseId: r.courseId, person, ip: null, at });
    // A node that took them in meanwhile saw this segment still open and opened none: theirs to reopen now.
    if (mirror !== soloMirror && (await removed(sessionId, person.id))) {
      await segments.submit({ open: true, sessionId, courseId: r.courseId, person, ip: null, at: new Date() });
      return;
    }
    rooms.left(sessionId, rooms.open(sessionId, r.courseId), person);
  }

  /** After the grace period: closes their segment unless they came back (never rejects; failures are retried). */
  function closeLater(sessionId: string, r: Room, userId: string, present: Present) {
    present.closeTimer = setTimeout(
      () => handlePromiseError(close(sessionId, r, userId, present), log, 'closing attendance failed', { sessionId, userId }),
      graceMs,
    );
  }

  /** Holds a user whose sockets are gone (a restart, a dead node) for the grace period, then closes their segment. */
  async function adopt(sessionId: string, courseId: string | null, person: Person): Promise<void> {
    if (leftMirror) return;
    const r = rooms.open(sessionId, courseId);
    if (r.users.has(person.id)) return;
    const present: Present = { person, sockets: 0, adopted: true };
    r.users.set(person.id, present);
    // Unknown (Redis away) is not "nobody": another node may hold them, and closing would end a live attendance.
    const elsewhere = await mirror.add(sessionId, person).catch(mirrorFailed(log, 'add', sessionId));
    // Left meanwhile (a shutdown): their segment stays open for the next start, or another node, to adopt.
    if (leftMirror) return;
    if (elsewhere !== false) {
      // Another node has them (or may): their attendance is its to close.
      if (r.users.get(person.id) === present && present.sockets === 0) r.users.delete(person.id);
      await removed(sessionId, person.id);
      rooms.dropIfIdle(sessionId, r);
      return;
    }
    if (present.sockets === 0) closeLater(sessionId, r, person.id, present);
  }

  /**
   * A socket left: at once when it said so, after the grace period when it dropped. Resolves once the segment is
   * closed, or once its close failed and is being retried (at the time they left); never rejects for that.
   */
  async function exit(actor: Actor, sessionId: string, opts: { grace: boolean }): Promise<void> {
    const r = rooms.get(sessionId);
    const present = r?.users.get(actor.id);
    if (!r || !present) return;
    present.sockets = Math.max(0, present.sockets - 1);
    if (present.sockets > 0) return;
    if (opts.grace && graceMs > 0) closeLater(sessionId, r, actor.id, present);
    else await close(sessionId, r, actor.id, present);
  }

  return {
    /** A socket of the actor entered the session room. Resolves once their segment is committed. */
    async enter(actor: Actor, sessionId: string, courseId: string): Promise<void> {
      const r = rooms.open(sessionId, courseId);
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
      r.others.delete(actor.id);
      const elsewhere = await added(sessionId, person);
      // Whoever joins sees the whole class: the other nodes' people are reread, at most once a second in a storm.
      if (mirror !== soloMirror && Date.now() - r.othersAt > FLUSH_MS) await rooms.readOthers(sessionId, r);
      // Already present through another node: the segment that node opened goes on.
      if (elsewhere) return;
      try {
        await segments.submit({ open: true, sessionId, courseId, person, ip: actor.ip, at: new Date() });
      } catch (err) {
        if (r.users.get(actor.id) === entry) r.users.delete(actor.id);
        await removed(sessionId, actor.id);
        throw err;
      }
      rooms.joined(sessionId, r, person);
    },

    exit,

    /** `exit` for a caller that does not wait (a disconnect, a roster removal): its failures are logged here. */
    exitInBackground(actor: Actor, sessionId: string, opts: { grace: boolean }): void {
      handlePromiseError(exit(actor, sessionId, opts), log, 'leaving the session room failed', { sessionId, userId: actor.id });
    },

    snapshot: rooms.snapshot,

    /**
     * Open socket segments that no node holds (this process restarted, or another node died) get the grace period
     * to be picked up again. At start-up, and then periodically when there are several nodes.
     */
    async recover(): Promise<number> {
      const open = await listOpenSocketSegments(deps.db);
      let adopted = 0;
      for (const seg of open) {
        if (rooms.get(seg.session_id)?.users.has(seg.user_id)) continue;
        adopted += 1;
        await adopt(seg.session_id, seg.course_id, { id: seg.user_id, name: seg.name, role: seg.role ?? 'student' });
      }
      return adopted;
    },

    /** Rewrites this node's part of the mirror (Redis may have restarted) and rereads the other nodes' parts. */
    async refreshMirror(): Promise<void> {
      if (leftMirror) return;
      const held = new Map([...rooms.entries()].map(([sessionId, r]) => [sessionId, [...r.users.values()].map((p) => p.person)]));
      await mirror.refresh(held);
      await Promise.all([...rooms.entries()].map(([sessionId, r]) => rooms.readOthers(sessionId, r)));
    },

    /** A clean shutdown: this node's part of the mirror goes at once instead of when it expires. */
    async leaveMirror(): Promise<void> {
      leftMirror = true;
      // Best effort: whatever is left expires with this node's TTL.
      await mirror
        .refresh(new Map([...rooms.entries()].map(([sessionId]) => [sessionId, []])))
        .catch((err: unknown) => log.warn({ err }, 'could not clear this node from the presence mirror; it expires instead'));
    },

    stop(): void {
      retries.stop();
      rooms.stop();
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;
