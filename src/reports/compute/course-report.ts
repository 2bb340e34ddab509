import type { z } from 'zod';
import type { RosterStudent } from '../report-input.ts';
import type { AttendanceRules, courseReport, SessionReport } from '../reports.schemas.ts';
import { percentOrNull, round1 } from './numbers.ts';
import { sortRoster } from './students.ts';

type StudentReportRow = SessionReport['students'][number];
type CourseReport = z.infer<typeof courseReport>;
type CourseStudentRow = CourseReport['students'][number];

/** A run of this many absences, latest class backwards, flags a student. */
export const AT_RISK_ABSENCES = 2;

export interface CourseReportInput {
  courseId: string;
  from: Date | null;
  to: Date | null;
  now: Date;
  /** The course's current student members. */
  roster: RosterStudent[];
  /** The session report of each completed class in the range, in any order (computeSessionReport's output). */
  classes: SessionReport[];
}

/**
 * The minutes that counted towards a student's status in one class, by that class's rules: room minutes, meeting
 * minutes, or the larger of the two, with room minutes standing in when the class has no meeting data. Built from
 * the row's one-decimal figures, so a course total may differ from exact time by a few hundredths per class.
 */
export function countedMinutes(row: StudentReportRow, source: AttendanceRules['source']): number {
  if (row.meetingMinutes === null || source === 'room') return row.minutes;
  return source === 'meeting' ? row.meetingMinutes : Math.max(row.minutes, row.meetingMinutes);
}

/** The current run of absences: from the latest class backwards, stopping at the first class they were not absent. */
export function consecutiveAbsences(statusesOldestFirst: readonly (StudentReportRow['status'] | undefined)[]): number {
  let run = 0;
  for (let i = statusesOldestFirst.length - 1; i >= 0; i--) {
    const status = statusesOldestFirst[i];
    // A class without a row for the student (not on its roster) neither breaks nor extends the run.
    if (status === undefined) continue;
    if (status !== 'absent') break;
    run += 1;
  }
  return run;
}

const classDate = (r: SessionReport) => r.summary.actualStart ?? r.summary.scheduledStart;

/**
 * The course report over already-computed session reports (no I/O): one row per current roster student, by name,
 * and one row per class, oldest first. The quiz average is the overall ratio over the classes where the student
 * answered at least one quiz (there quizScore is not null): their correct answers over the quizzes asked there, as a
 * percentage, so a class with one quiz weighs less than a class with ten, and a class they took no part in (absent,
 * or answered no quiz) is left out rather than counted as 0, as in the class's own score.
 */
export function computeCourseReport(input: CourseReportInput): CourseReport {
  const classes = [...input.classes].sort((a, b) => classDate(a).localeCompare(classDate(b)) || a.sessionId.localeCompare(b.sessionId));
  const rowsByClass = classes.map((c) => new Map(c.students.map((s) => [s.userId, s])));
  const students = sortRoster(input.roster).map((student): CourseStudentRow => {
    const rows = rowsByClass.map((byUser) => byUser.get(student.userId));
    const t = { held: 0, attended: 0, minutes: 0, messages: 0, questions: 0, upvotes: 0, polls: 0, quizCorrect: 0, quizAsked: 0 };
    rows.forEach((row, i) => {
      if (!row) return;
      t.held += 1;
      if (row.status === 'present' || row.status === 'late') t.attended += 1;
      t.minutes += countedMinutes(row, classes[i]?.rules.source ?? 'either');
      t.messages += row.messages;
      t.questions += row.questions;
      t.upvotes += row.upvotesGiven;
      t.polls += row.pollsAnswered;
      // Only classes where they took part in the quizzes (answered one), as a class's quizScore counts them.
      if (row.quizScore !== null) {
        t.quizCorrect += row.quizCorrect;
        t.quizAsked += row.quizAsked;
      }
    });
    const run = consecutiveAbsences(rows.map((r) => r?.status));
    return {
      ...student,
      classesHeld: t.held,
      classesAttended: t.attended,
      attendanceRate: percentOrNull(t.attended, t.held),
      minutes: round1(t.minutes),
      messages: t.messages,
      questions: t.questions,
      upvotesGiven: t.upvotes,
      pollsAnswered: t.polls,
      quizAverage: percentOrNull(t.quizCorrect, t.quizAsked),
      consecutiveAbsences: run,
      atRisk: run >= AT_RISK_ABSENCES,
    };
  });
  return {
    courseId: input.courseId,
    from: input.from?.toISOString() ?? null,
    to: input.to?.toISOString() ?? null,
    generatedAt: input.now.toISOString(),
    students,
    classes: classes.map((c) => ({
      sessionId: c.sessionId,
      title: c.title,
      date: classDate(c),
      attendanceRate: c.summary.attendanceRate,
      peakConcurrent: c.summary.peakConcurrent,
      messages: c.summary.messages,
      questions: c.summary.questions.total,
      votes: c.polls.reduce((n, p) => n + p.responses, 0),
    })),
  };
}
