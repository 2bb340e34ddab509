import type { AuditService } from '../audit/audit.service.ts';
import { canManageCourse, canViewCourse } from '../auth/policies.ts';
import type { ActionLimits } from '../classroom/action-limits.ts';
import { membershipOf } from '../classroom/membership.ts';
import type { Db } from '../db/kysely.ts';
import { AppError } from '../errors.ts';
import type { On } from '../realtime/socket-handler.ts';
import { courseJoinInput, courseLeaveInput } from './course-room.schemas.ts';
import { courseRoom } from './course-room.ts';

export interface CourseSocketDeps {
  db: Db;
  audit: Pick<AuditService, 'deny'>;
  limits: ActionLimits;
}

/**
 * course:join / course:leave: follow a course's schedule live (course:session). The same access as listing the
 * course's sessions (GET /api/live-sessions?courseId=): members and admins; anyone else is refused FORBIDDEN.
 */
export function registerCourseSocket(on: On, { db, audit, limits }: CourseSocketDeps): void {
  on('course:join', courseJoinInput, async (actor, { courseId }, socket) => {
    // The join budget: a course join is as cheap as a session join, and a loop of either is refused the same.
    await limits.take(actor, 'join');
    const membership = await membershipOf(db, actor, courseId);
    if (!canViewCourse(actor, membership)) {
      const denied = new AppError('FORBIDDEN', 'You are not a member of this course');
      throw await audit.deny(actor, 'session.list', { type: 'course', id: courseId, courseId }, denied);
    }
    const manages = canManageCourse(actor, membership);
    // A socket gone meanwhile would be left in the room for good.
    if (!socket.connected) return { courseId };
    // Joining again after a role change leaves the other room: a socket hears each change once, in one shape.
    socket.leave(courseRoom(courseId, !manages));
    socket.join(courseRoom(courseId, manages));
    return { courseId };
  });

  on('course:leave', courseLeaveInput, async (_actor, { courseId }, socket) => {
    socket.leave(courseRoom(courseId, true));
    socket.leave(courseRoom(courseId, false));
    return { courseId };
  });
}
