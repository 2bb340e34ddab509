import { z } from 'zod';
import { isoDateTime } from '../http/common.schemas.ts';
import { pollResults, pollType } from '../polls/polls.schemas.ts';
import { sessionStatus } from '../sessions/sessions.schemas.ts';
import { attendanceRules } from './rules.schemas.ts';
import { gradePublication } from '../lti/lti.ags.schemas.ts';

// The rules live in rules.schemas.ts so that sessions.schemas.ts (the overrides field) can use them without an import
// cycle (this file needs sessionStatus); they are re-exported here, as part of the contract.
export { type AttendanceRules, attendanceOverrides, attendanceRules, attendanceSource } from './rules.schemas.ts';

/**
 * The public contract of attendance rules and reports (issue 13): LMS developers build against these names.
 * Times are ISO 8601 in UTC (`2026-12-06T09:00:00.000Z`), in JSON and CSV alike. Percentages are 0–100 with one
 * decimal; a rate over nothing (no roster, no poll offered) is null, never 0.
 */

export const courseSettings = z.object({
  courseId: z.string(),
  attendance: attendanceRules,
  updatedAt: z.string().nullable().meta({ description: 'Null while the course has only the defaults.' }),
});
export const putCourseSettingsBody = z
  .object({ attendance: attendanceRules.meta({ description: 'Replaces the rules; an omitted field takes its default.' }) })
  .strict();

export const attendanceStatus = z.enum(['present', 'late', 'partial', 'absent']);
export type AttendanceStatus = z.infer<typeof attendanceStatus>;

const span = z.object({
  joinedAt: z.string(),
  leftAt: z.string().nullable().meta({ description: 'Null while still in.' }),
  breakoutRoom: z
    .string()
    .optional()
    .meta({ description: "Only on a stay in one of the class's breakout rooms: the room's name (that time counts as time in the class)." }),
});

export const studentReportRow = z
  .object({
    userId: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    status: attendanceStatus,
    joinedMeeting: z.boolean().meta({ description: 'Whether they opened the meeting link (POST …/join or meeting:open).' }),
    joinedMeetingAt: z.string().nullable().meta({ description: 'The first time they opened it.' }),
    firstJoin: z.string().nullable().meta({ description: 'First time in the class room (or one of its breakout rooms).' }),
    lastLeave: z.string().nullable().meta({ description: 'Last time they left the room; null while in it or never there.' }),
    segments: z
      .array(span)
      .meta({ description: "Every stay in the class room and in the class's breakout rooms (those with breakoutRoom), oldest first." }),
    minutes: z.number().meta({
      description:
        'Minutes in the room within the class, time in its breakout rooms included, overlaps (two tabs, class and room at once) counted once.',
    }),
    meetingMinutes: z.number().nullable().meta({
      description:
        "Minutes in the video meeting; null when the class's own meeting has no data (a room's meeting alone does not give it any). With a breakout room: that room's meeting time where its meeting has data, else the room's page time (the time is never lost to that room's sync).",
    }),
    meetingSegments: z.array(span).meta({
      description:
        "Stays in the class's meeting and in the meetings with data of its breakout rooms (those with breakoutRoom), oldest first; [] without meeting data. Page time counted for a room without meeting data is not listed here.",
    }),
    percentOfClass: z.number().meta({ description: 'The time the status counts (per `source`) as a share of the class.' }),
    breakoutRooms: z.array(z.string()).meta({
      description: 'The breakout room each round of the class put them in (the last one, after moves), in round order; [] when none.',
    }),
    messages: z.number().int(),
    questions: z.number().int().meta({ description: 'Questions asked under their name (anonymous ones are not counted).' }),
    upvotesGiven: z.number().int(),
    pollsAnswered: z.number().int(),
    pollsOffered: z.number().int().meta({ description: "The class's polls that are not anonymous." }),
    quizCorrect: z.number().int(),
    quizAsked: z.number().int(),
    quizScore: z.number().nullable().meta({ description: 'quizCorrect / quizAsked as a percentage; null when no quiz was asked.' }),
    quizPoints: z.number().int().meta({
      description: "Points over the class's closed quizzes, as the quiz leaderboard counts them (faster right answers earn more).",
    }),
  })
  .meta({ id: 'StudentReportRow' });

export const pollAnswer = z.object({
  userId: z.string(),
  name: z.string(),
  choice: z.unknown(),
  correct: z.boolean().nullable().meta({ description: 'Quiz polls: whether the answer was right; null otherwise.' }),
  answeredAt: z.string(),
});

export const reportPoll = z.object({
  pollId: z.string(),
  question: z.string(),
  type: pollType,
  options: z.array(z.string()),
  anonymous: z.boolean(),
  quiz: z.boolean(),
  correctOption: z.number().int().nullable(),
  status: z.enum(['open', 'closed']),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
  responses: z.number().int(),
  responseRate: z.number().nullable().meta({ description: 'Responses from roster students over roster students.' }),
  results: pollResults,
  answers: z.array(pollAnswer).nullable().meta({ description: 'Per-student answers; null for an anonymous poll.' }),
});

export const timelinePoint = z.object({
  minute: z.string().meta({ description: 'Start of the point (its first minute).' }),
  attendees: z.number().int().meta({ description: 'Roster students present at any moment of the point.' }),
  messages: z.number().int(),
  questions: z.number().int(),
  votes: z.number().int(),
});

export const sessionReportSummary = z.object({
  scheduledStart: z.string(),
  scheduledEnd: z.string(),
  actualStart: z.string().nullable(),
  actualEnd: z.string().nullable(),
  classMinutes: z.number().meta({ description: 'The duration statuses are measured against.' }),
  rosterStudents: z.number().int(),
  counts: z.object({ present: z.number().int(), late: z.number().int(), partial: z.number().int(), absent: z.number().int() }),
  attendanceRate: z.number().nullable().meta({ description: '(present + late) / roster students, as a percentage.' }),
  peakConcurrent: z.number().int(),
  peakAt: z.string().nullable(),
  averageConcurrent: z.number().meta({ description: 'Roster students present, averaged over the class span.' }),
  medianMinutes: z.number().meta({ description: 'Median of the roster students’ counted minutes (absent ones included).' }),
  messages: z.number().int(),
  questions: z.object({ total: z.number().int(), answered: z.number().int(), open: z.number().int(), dismissed: z.number().int() }),
  pollResponseRate: z.number().nullable().meta({ description: 'Answers over (non-anonymous polls × roster students).' }),
  quizAverage: z.number().nullable().meta({ description: 'Mean quiz score of the students who were asked a quiz.' }),
  meetingSync: z
    .object({
      status: z.enum(['none', 'pending', 'done', 'failed']),
      syncedAt: z.string().nullable(),
      error: z.string().nullable(),
    })
    .meta({
      description:
        "Whether meeting truth (Google Meet participants) is in this report: the class's sync, or a breakout room's where that one stands worse (failed, then pending, then done, then none; a room's error starts with its name).",
    }),
});

export const meetingGuest = z.object({
  displayName: z.string().nullable().meta({ description: 'As the meeting reported it; null for an anonymous participant.' }),
  email: z.string().nullable().meta({ description: 'Null when the meeting gave none (outside or anonymous participants).' }),
  minutes: z.number().meta({ description: 'Minutes in the meeting within the class, overlaps counted once.' }),
  firstJoinedAt: z.string(),
  lastLeftAt: z.string().nullable().meta({ description: 'Null while still in.' }),
  breakoutRoom: z
    .string()
    .optional()
    .meta({ description: "Only for a guest of one of the class's breakout rooms' meetings: the room's name (one entry per meeting)." }),
});

export const sessionReport = z
  .object({
    sessionId: z.string(),
    courseId: z.string(),
    title: z.string(),
    status: sessionStatus,
    generatedAt: z.string(),
    rules: attendanceRules.meta({ description: 'The rules applied: the course settings with the class overrides.' }),
    summary: sessionReportSummary,
    timeline: z.array(timelinePoint).meta({ description: 'One point per timelineStepMinutes of the class span, oldest first.' }),
    timelineStepMinutes: z
      .number()
      .int()
      .min(1)
      .meta({ description: 'Minutes per timeline point: 1 up to 24 hours of class span, then wider so there are at most 1,440 points.' }),
    students: z.array(studentReportRow),
    polls: z.array(reportPoll),
    ltiGrades: z.array(gradePublication).optional().meta({
      description:
        "The class's grades published to the LMS (LTI AGS), one per kind the course publishes: sent, pending or failed. Absent from CSV exports; [] when none.",
    }),
    meetingGuests: z.array(meetingGuest).meta({
      description:
        "In the video meeting (the class's, or one of its breakout rooms') but matched to nobody (from the Meet sync), by first join.",
    }),
  })
  .meta({ id: 'SessionReport' });
export type SessionReport = z.infer<typeof sessionReport>;

export const myReport = z
  .object({
    sessionId: z.string(),
    title: z.string(),
    status: sessionStatus,
    rules: attendanceRules,
    row: studentReportRow,
    polls: z.array(reportPoll.omit({ answers: true, responses: true, responseRate: true }).extend({ myAnswer: pollAnswer.nullable() })),
  })
  .meta({ id: 'MyReport' });

export const reportTable = z.enum(['students', 'segments', 'polls', 'questions', 'chat', 'guests']);
export const reportQuery = z
  .object({
    format: z.enum(['json', 'csv']).default('json'),
    table: reportTable.default('students').meta({ description: 'With format=csv: which table.' }),
  })
  .strict();

export const courseStudentRow = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  classesHeld: z.number().int(),
  classesAttended: z.number().int().meta({ description: 'Classes where the status was present or late.' }),
  attendanceRate: z.number().nullable(),
  minutes: z.number(),
  messages: z.number().int(),
  questions: z.number().int(),
  upvotesGiven: z.number().int(),
  pollsAnswered: z.number().int(),
  quizAverage: z.number().nullable(),
  consecutiveAbsences: z.number().int().meta({ description: 'The current run of absent statuses, latest class backwards.' }),
  atRisk: z.boolean().meta({ description: 'consecutiveAbsences is 2 or more.' }),
});

export const courseClassRow = z.object({
  sessionId: z.string(),
  title: z.string(),
  date: z.string().meta({ description: 'Actual start.' }),
  attendanceRate: z.number().nullable(),
  peakConcurrent: z.number().int(),
  messages: z.number().int(),
  questions: z.number().int(),
  votes: z.number().int(),
  ltiGrades: z.enum(['none', 'pending', 'sent', 'failed']).optional().meta({
    description:
      "The class's grades to the LMS (LTI AGS): the worst of its publications (failed, then pending, then sent); none when the course published nothing for it.",
  }),
});

export const courseReport = z
  .object({
    courseId: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    generatedAt: z.string(),
    students: z.array(courseStudentRow),
    classes: z.array(courseClassRow).meta({ description: 'Completed classes in the range, oldest first.' }),
  })
  .meta({ id: 'CourseReport' });

export const courseReportQuery = z
  .object({
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
    format: z.enum(['json', 'csv']).default('json'),
    table: z.enum(['students', 'classes']).default('students'),
  })
  .strict();
