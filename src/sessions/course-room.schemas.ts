import { z } from 'zod';
import { externalId } from '../auth/actor.ts';
import type { AckReply } from '../realtime/socket-handler.ts';
import type { SessionDto } from './sessions.schemas.ts';

export const courseJoinInput = z.strictObject({
  /** The course whose schedule the socket follows (course members and admins). */
  courseId: externalId,
});

export const courseLeaveInput = z.strictObject({ courseId: externalId });

/** Client → server events of a course's live schedule, for typed clients; each is answered through its ack. */
export interface CourseClientEvents {
  'course:join': (payload: z.input<typeof courseJoinInput>, ack: (reply: AckReply<{ courseId: string }>) => void) => void;
  'course:leave': (payload: z.input<typeof courseLeaveInput>, ack: (reply: AckReply<{ courseId: string }>) => void) => void;
}

/**
 * Server → client events of a course room. No seq: the schedule is not a class's event log. A client that was away
 * reads the list again (GET /api/live-sessions?courseId=) after its course:join ack, and keeps, per session, the
 * copy with the later `updatedAt`.
 */
export interface CourseServerEvents {
  /** A session of the course was created, edited, started, ended or cancelled (or its meeting link changed). */
  'course:session': (payload: { session: SessionDto }) => void;
}
