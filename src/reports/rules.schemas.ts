import { z } from 'zod';

/** Attendance rules (issue 13): a course's settings and a class's overrides. Re-exported by reports.schemas.ts. */

export const attendanceSource = z.enum(['room', 'meeting', 'either']).meta({
  description:
    'What time counts towards a status: `room` (the class page), `meeting` (the video meeting, as Google Meet reports it), `either` (the larger of the two; the default). Without meeting data, `meeting` and `either` fall back to room time.',
});

export const attendanceRules = z
  .object({
    presentPercent: z.number().int().min(1).max(100).default(75).meta({
      description: 'Present when the student covered at least this share of the class (actual duration; scheduled while not ended).',
    }),
    latePresentMinutes: z.number().int().min(0).max(1440).default(10).meta({
      description: 'Late: present, but first joined more than this many minutes after the actual start.',
    }),
    minimumMinutes: z.number().min(0).max(1440).default(1).meta({
      description: 'Absent below this many minutes; between this and presentPercent the status is partial.',
    }),
    source: attendanceSource.default('either'),
  })
  .strict()
  .meta({ id: 'AttendanceRules' });
export type AttendanceRules = z.infer<typeof attendanceRules>;

const rule = attendanceRules.shape;

/**
 * A session's overrides: any subset of the rules; `null` clears them. Built from the rules without their defaults
 * (`attendanceRules.partial()` would still fill every omitted field with its default, overriding the course's).
 */
export const attendanceOverrides = z
  .strictObject({
    presentPercent: rule.presentPercent.unwrap().optional(),
    latePresentMinutes: rule.latePresentMinutes.unwrap().optional(),
    minimumMinutes: rule.minimumMinutes.unwrap().optional(),
    source: rule.source.unwrap().optional(),
  })
  .nullable()
  .meta({ id: 'AttendanceOverrides', description: "A class's own rules over its course's; omitted fields follow the course." });
export type AttendanceOverrides = z.infer<typeof attendanceOverrides>;
