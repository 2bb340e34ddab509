import { z } from 'zod';
import { meetingSchema } from '../sessions/sessions.schemas.ts';

export const joinResult = z.object({
  sessionId: z.string(),
  /** Start of the caller's open attendance segment (unchanged when already present). */
  joinedAt: z.string(),
  meeting: meetingSchema,
});

export const leaveResult = z.object({
  sessionId: z.string(),
  present: z.literal(false),
  /** When the open segment was closed; null when the caller was not present. */
  leftAt: z.string().nullable(),
});

export const attendanceRow = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  /** The person's role on the course roster; null for someone no longer on it. */
  rosterRole: z.enum(['student', 'mentor']).nullable(),
  status: z.enum(['present', 'absent']),
  firstJoin: z.string().nullable(),
  /** Last time they left; null while present or when they never joined. */
  lastLeave: z.string().nullable(),
  /** Minutes present with overlapping segments merged (open segments count up to now). */
  minutesPresent: z.number(),
  presentNow: z.boolean(),
  segments: z.number().int(),
});

export const attendanceReport = z.object({
  sessionId: z.string(),
  status: z.enum(['scheduled', 'live', 'completed', 'cancelled']),
  generatedAt: z.string(),
  /** Counts over roster students only. */
  summary: z.object({
    rosterStudents: z.number().int(),
    attended: z.number().int(),
    absent: z.number().int(),
    presentNow: z.number().int(),
    notOnRoster: z.number().int(),
  }),
  /** Every roster student, present or absent. */
  students: z.array(attendanceRow),
  /** Anyone else who attended: mentors, admins, people no longer on the roster. */
  others: z.array(attendanceRow),
});
