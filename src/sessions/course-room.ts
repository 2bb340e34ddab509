import type { Actor } from '../auth/actor.ts';
import { canManageCourse } from '../auth/policies.ts';
import type { Log } from '../background.ts';
import { findSession } from '../classroom/access.repo.ts';
import { membershipOf } from '../classroom/membership.ts';
import type { Db } from '../db/kysely.ts';
import type { LiveSessionRow } from '../db/tables.ts';
import type { RealtimeServer } from '../realtime/server.ts';
import { toSessionDto } from './sessions.presenter.ts';

/**
 * A course has two rooms, because a session is shaped per reader: its managers (course mentors, admins) hear it as
 * they read it over REST (meeting link, link errors, attendance rules), everyone else as members read it.
 */
export const courseRoom = (courseId: string, manages: boolean) => `${manages ? 'course-managers' : 'course-members'}:${courseId}`;

export type CourseRooms = ReturnType<typeof createCourseRooms>;

/**
 * The live schedule: `course:session` to a course's rooms after every committed change of one of its sessions. Sent
 * through Socket.IO's adapter, so with several nodes (the Redis adapter) every node's sockets hear it once, from the
 * node that made the change.
 */
export function createCourseRooms(io: RealtimeServer, db: Db, log: Log) {
  /** Per session, the announcement under way: the next one waits for it, so they leave in commit order. */
  const reading = new Map<string, Promise<void>>();

  function announce(row: LiveSessionRow): void {
    io.to(courseRoom(row.course_id, true)).emit('course:session', { session: toSessionDto(row, true) });
    io.to(courseRoom(row.course_id, false)).emit('course:session', { session: toSessionDto(row, false) });
  }

  return {
    /** A session was created: the row is at hand. */
    announce,

    /**
     * A session changed and the change has committed (its room was told `session:updated`): the row is read as it
     * is now, so managers get their shape of it whichever path changed it (lifecycle, meeting worker). A failed read
     * is logged; a client that missed the change catches up when it next joins the course.
     */
    changed(sessionId: string): void {
      const next: Promise<void> = (reading.get(sessionId) ?? Promise.resolve())
        .then(async () => {
          const row = await findSession(db, sessionId);
          // A breakout room is no part of the schedule: its class's log tells of it (breakout:*).
          if (row && !row.parent_session_id) announce(row);
        })
        .catch((err: unknown) => log.error({ err, sessionId }, 'could not tell the course of a session change'))
        .then(() => {
          if (reading.get(sessionId) === next) reading.delete(sessionId);
        });
      reading.set(sessionId, next);
    },

    /** A user left the course's roster: their sockets on this node stop hearing its schedule. */
    removed(courseId: string, userId: string): void {
      io.local.in(`user:${userId}`).socketsLeave([courseRoom(courseId, true), courseRoom(courseId, false)]);
    },

    /**
     * Roster roles changed: a mentor's socket moves to the room of the role it has now, so a demoted mentor stops
     * hearing meeting links at once. Only token mentors can change rooms (students never manage, admins always do).
     */
    async rolesChanged(courseId: string, userIds: string[]): Promise<void> {
      const changed = new Set(userIds);
      for (const manages of [true, false]) {
        for (const socket of await io.local.in(courseRoom(courseId, manages)).fetchSockets()) {
          const actor = socket.data.actor as Actor;
          if (actor.role !== 'mentor' || !changed.has(actor.id)) continue;
          const now = canManageCourse(actor, await membershipOf(db, actor, courseId));
          if (now === manages) continue;
          socket.leave(courseRoom(courseId, manages));
          socket.join(courseRoom(courseId, now));
        }
      }
    },
  };
}
