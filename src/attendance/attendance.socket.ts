import type { ActionLimits } from '../classroom/action-limits.ts';
import type { On } from '../realtime/socket-handler.ts';
import { meetingOpenInput } from './attendance.schemas.ts';
import type { AttendanceService } from './attendance.service.ts';

/**
 * meeting:open: the socket twin of POST …/join, the same service call and the same reply (the meeting link). Viewing
 * the class page (session:join) is not a meeting open; clicking "Join meeting" is.
 */
export function registerAttendanceSocket(on: On, attendance: AttendanceService, limits: ActionLimits): void {
  on('meeting:open', meetingOpenInput, async (actor, input) => {
    await limits.take(actor, 'join');
    return attendance.join(actor, input.sessionId);
  });
}
