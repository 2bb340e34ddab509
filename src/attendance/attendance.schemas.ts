import { z } from 'zod';
import { rosterRole } from '../auth/actor.ts';
import { uuid } from '../http/common.schemas.ts';
import type { AckReply } from '../realtime/socket-handler.ts';
import { meetingSchema, sessionStatus } from '../sessions/sessions.schemas.ts';

export const joinResult = z.object({
  sessionId: z.string(),
  joinedAt: z.string().meta({ description: "Start of the caller's open attendance segment (unchanged when already present)." }),
  meeting: meetingSchema,
});

/** The socket twin of POST …/join: the caller opens the meeting link (the report's joinedMeeting). */
export const meetingOpenInput = z.strictObject({ sessionId: uuid });

/** Client → server events of attendance, for typed clients; acked like the REST join. */
export interface AttendanceClientEvents {
  'meeting:open': (payload: z.input<typeof meetingOpenInput>, ack: (reply: AckReply<z.infer<typeof joinResult>>) => void) => void;
}

export const leaveResult = z.object({
  sessionId: z.string(),
  present: z.literal(false),
  leftAt: z.string().nullable().meta({ description: 'When the open segment was closed; null when the caller was not present.' }),
});

export const attendanceRow = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  rosterRole: rosterRole.nullable().meta({ description: "The person's role on the course roster; null for someone no longer on it." }),
  status: z.enum(['present', 'absent']),
  firstJoin: z.string().nullable(),
  lastLeave: z.string().nullable().meta({
    description: 'Last time they left; null while a segment is open (present, or left open past the end) or when they never joined.',
  }),
  minutesPresent: z.number().meta({
    description:
      "Minutes present with overlapping segments merged; time in the class's breakout rooms counts. An open segment counts up to now, or up to the class's actual end once it has ended.",
  }),
  presentNow: z
    .boolean()
    .meta({ description: 'An open segment in the class or one of its breakout rooms while the class has not ended (false once it has).' }),
  segments: z.number().int().meta({ description: 'Segments in the class and in its breakout rooms.' }),
  breakoutRooms: z.array(z.string()).meta({
    description: "The class's breakout room each round put them in (the last one, after moves), in round order; [] when none.",
  }),
});

export const attendanceReport = z.object({
  sessionId: z.string(),
  status: sessionStatus,
  generatedAt: z.string(),
  /** Counts over roster students only. */
  summary: z.object({
    rosterStudents: z.number().int(),
    attended: z.number().int(),
    absent: z.number().int(),
    presentNow: z.number().int(),
    notOnRoster: z.number().int(),
  }),
  students: z.array(attendanceRow).meta({ description: 'Every roster student, present or absent.' }),
  others: z.array(attendanceRow).meta({ description: 'Anyone else who attended: mentors, admins, people no longer on the roster.' }),
});
