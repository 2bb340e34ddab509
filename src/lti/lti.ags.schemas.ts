import { z } from 'zod';

/** What a course publishes to its LMS gradebook after each class (PUT /api/courses/:courseId/lti-grades). */
export const gradeSettingsInput = z.strictObject({
  attendance: z.enum(['off', 'percent', 'status']).meta({
    description:
      "`percent`: each student's percent of the class (0–100, the report's percentOfClass); `status`: attended (present or late: 1) or not (0) out of 1, the status word as the comment; `off`: no attendance column.",
  }),
  quizzes: z
    .boolean()
    .meta({ description: "Publish the class's quiz results: right answers out of the quizzes asked (classes with a quiz only)." }),
});
export type GradeSettingsInput = z.infer<typeof gradeSettingsInput>;

export const gradeSettings = gradeSettingsInput
  .extend({
    courseId: z.string(),
    available: z
      .boolean()
      .meta({ description: 'Whether the LMS offered Assignment and Grade Services (line items and scores) at the last launch.' }),
    updatedAt: z.string().nullable().meta({ description: 'Null while the course has only the defaults (nothing published).' }),
  })
  .meta({ id: 'LtiGradeSettings' });

export const gradePublication = z
  .object({
    kind: z.enum(['attendance', 'quiz']),
    mode: z.enum(['percent', 'status', 'score']).meta({ description: 'The setting when the class ended.' }),
    status: z.enum(['pending', 'sent', 'failed']).meta({
      description:
        '`pending`: owed (being sent, or waiting for a retry); `sent`: every score accepted by the LMS; `failed`: gave up (see lastError; POST …/lti-grades/retry sends it again).',
    }),
    attempts: z.number().int(),
    lastError: z
      .string()
      .nullable()
      .meta({ description: "Why the last attempt failed (the LMS's status, never its answer's content); null once sent." }),
    nextAttemptAt: z.string().nullable().meta({ description: 'While pending: when the next attempt is due.' }),
    lineItemUrl: z
      .string()
      .nullable()
      .meta({ description: 'The LMS gradebook column (line item); null before it is known, and for a class without a quiz.' }),
    scoresSent: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'Once sent: how many students were graded (students the LMS does not know are skipped).' }),
    scoresRefused: z.number().int().nullable().meta({
      description:
        'Once sent: scores the LMS refused for that student alone (400, 404, 409, 422, e.g. unenrolled since): those students are not graded there; the others are.',
    }),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'LtiGradePublication' });

export const sessionGrades = z
  .object({
    sessionId: z.string(),
    publications: z.array(gradePublication).meta({ description: 'One per kind the course publishes; [] when none.' }),
  })
  .meta({ id: 'LtiSessionGrades' });
