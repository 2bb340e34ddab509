import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import { type LoadSession, sessionTarget } from '../classroom/session-access.ts';
import type { Db } from '../db/kysely.ts';
import type { LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { emptyResults } from '../polls/polls.results.ts';
import { computeCourseReport } from './compute/course-report.ts';
import { myReportOf } from './compute/my-report.ts';
import { computeSessionReport } from './compute/session-report.ts';
import { loadMyReportInput } from './my-report-loader.ts';
import { loadReportInput, loadReportInputs, type RosterMember, rosterOfClass } from './report-loader.ts';
import type { courseReportQuery, myReport, reportTable, SessionReport } from './reports.schemas.ts';
import {
  countCompletedClasses,
  findRosterStudent,
  listCompletedClasses,
  listMeetingGuestStays,
  listRosterStudents,
} from './reports.repo.ts';
import { effectiveRules } from './rules.ts';
import { findCourseSettings } from './settings.repo.ts';
import { courseTarget, requireCourseManager } from './settings.service.ts';
import { courseCsv, sessionCsv } from './report-csv.ts';
import { gradeStatesOf, gradeStatusByClass } from '../lti/lti.ags.service.ts';

export type ReportsService = ReturnType<typeof createReportsService>;
type MyReport = z.infer<typeof myReport>;
type CourseReportQuery = z.infer<typeof courseReportQuery>;
type CourseRange = Pick<CourseReportQuery, 'from' | 'to'>;
type CourseTable = CourseReportQuery['table'];

/**
 * The most completed classes one course report reads (REPORT_TOO_LARGE beyond): a term of daily classes is ~200, and
 * 500 classes of a large course is already seconds of work and tens of megabytes.
 */
export const MAX_COURSE_REPORT_CLASSES = 500;

/** Session and course reports, computed from the durable tables at each request (never from the event log). */
export function createReportsService(db: Db, audit: AuditService, loadSession: LoadSession) {
  async function rulesFor(session: LiveSessionRow) {
    return effectiveRules((await findCourseSettings(db, session.course_id))?.attendance, session.attendance_overrides);
  }

  /** One class's report for its managers: the whole class, and the meeting's participants matched to nobody. */
  async function reportOf(session: LiveSessionRow, roster: RosterMember[], now: Date) {
    const [input, meetingGuests] = await Promise.all([
      rulesFor(session).then((rules) => loadReportInput(db, session, rules, roster, now)),
      listMeetingGuestStays(db, session.id),
    ]);
    const withGuests = { ...input, meetingGuests };
    return { input: withGuests, report: computeSessionReport(withGuests) };
  }

  /** The course report, once the caller may read it: counted first, so a range too wide is refused before any load. */
  async function buildCourseReport(courseId: string, range: CourseRange) {
    const from = range.from ? new Date(range.from) : null;
    const to = range.to ? new Date(range.to) : null;
    if (from && to && from > to) {
      throw new AppError('VALIDATION_FAILED', 'to must not be before from', [
        { field: 'querystring.to', message: 'must not be before from' },
      ]);
    }
    const classes = await countCompletedClasses(db, courseId, from, to);
    if (classes > MAX_COURSE_REPORT_CLASSES) {
      throw new AppError(
        'REPORT_TOO_LARGE',
        `The range holds ${classes} completed classes, more than the ${MAX_COURSE_REPORT_CLASSES} one report covers: narrow it with from and to`,
      );
    }
    const [roster, settings, sessions] = await Promise.all([
      listRosterStudents(db, courseId),
      findCourseSettings(db, courseId),
      listCompletedClasses(db, courseId, from, to),
    ]);
    const now = new Date();
    const withRules = sessions.map((session) => ({
      session,
      rules: effectiveRules(settings?.attendance ?? null, session.attendance_overrides),
    }));
    const inputs = await loadReportInputs(db, withRules, roster, now);
    const students = roster.map(({ addedAt: _addedAt, ...student }) => student);
    const report = computeCourseReport({ courseId, from, to, now, roster: students, classes: inputs.map(computeSessionReport) });
    const grades = await gradeStatusByClass(
      db,
      report.classes.map((c) => c.sessionId),
    );
    return { ...report, classes: report.classes.map((c) => ({ ...c, ltiGrades: grades.get(c.sessionId) ?? ('none' as const) })) };
  }

  return {
    /** The whole class report (course mentors, admins); each read is audited, as the report names every student. */
    async sessionReport(actor: Actor, sessionId: string): Promise<SessionReport> {
      const { session } = await loadSession(actor, sessionId, 'manage', 'report.read');
      const { report } = await reportOf(session, await listRosterStudents(db, session.course_id), new Date());
      await insertAuditEntry(db, auditEntry(actor, 'report.read', sessionTarget(session), 'success'));
      return { ...report, ltiGrades: await gradeStatesOf(db, session.id) };
    },

    /** One table of the class report as a CSV file (course mentors, admins). */
    async sessionReportCsv(actor: Actor, sessionId: string, table: z.infer<typeof reportTable>) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'report.read');
      const { input, report } = await reportOf(session, await listRosterStudents(db, session.course_id), new Date());
      const csv = await sessionCsv(db, table, report, input);
      // A CSV leaves the service with the class's names, emails, chat and answers in it: who took which is kept.
      await insertAuditEntry(db, auditEntry(actor, 'report.export', sessionTarget(session), 'success', { table }));
      return { csv, filename: `class-${session.id}-${table}.csv` };
    },

    /**
     * A student's own part of the class: their row, their answers and quiz results; nobody else's. Only their own rows
     * are read (my-report-loader.ts); poll results are the class's tallies, counted in the database.
     */
    async myReport(actor: Actor, sessionId: string): Promise<MyReport> {
      const { session, membership } = await loadSession(actor, sessionId, 'view', 'report.read_own');
      if (membership !== 'student') {
        const refused = new AppError('FORBIDDEN', "Only the class's students have a report of their own");
        throw await audit.deny(actor, 'report.read_own', sessionTarget(session), refused);
      }
      const now = new Date();
      const [me] = rosterOfClass(await findRosterStudent(db, session.course_id, actor.id), session, now);
      // Not on the roster by the class's end: the class report has no row for them either.
      if (!me) throw new AppError('FORBIDDEN', "Only the class's students have a report of their own");
      const { input, pollRows } = await loadMyReportInput(db, session, await rulesFor(session), me, now);
      const mine = myReportOf(computeSessionReport(input), actor.id);
      if (!mine) throw new AppError('FORBIDDEN', "Only the class's students have a report of their own");
      // Results a poll shows only once closed stay hidden from students while it is open, as in the poll itself; a
      // quiz's correct option and the verdict on their answer stay hidden until it closes (myReportOf).
      const hidden = new Set(pollRows.filter((p) => p.status === 'open' && p.results_visibility === 'afterClose').map((p) => p.id));
      return { ...mine, polls: mine.polls.map((poll) => (hidden.has(poll.pollId) ? { ...poll, results: emptyResults(poll) } : poll)) };
    },

    /** The course's completed classes in a range, per student and per class (course mentors, admins). */
    async courseReport(actor: Actor, courseId: string, range: CourseRange) {
      await requireCourseManager(db, audit, actor, courseId, 'course.report.read');
      const report = await buildCourseReport(courseId, range);
      await insertAuditEntry(
        db,
        auditEntry(actor, 'course.report.read', courseTarget(courseId), 'success', { from: report.from, to: report.to }),
      );
      return report;
    },

    /** One table of the course report as a CSV file (course mentors, admins). */
    async courseReportCsv(actor: Actor, courseId: string, range: CourseRange, table: CourseTable) {
      await requireCourseManager(db, audit, actor, courseId, 'course.report.read');
      const csv = courseCsv(table, await buildCourseReport(courseId, range));
      await insertAuditEntry(db, auditEntry(actor, 'report.export', courseTarget(courseId), 'success', { table }));
      return { csv, filename: `course-${courseId}-${table}.csv` };
    },
  };
}
