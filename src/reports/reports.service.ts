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
import { loadReportInput, loadReportInputs, type RosterMember } from './report-loader.ts';
import type { courseReportQuery, myReport, reportTable, SessionReport } from './reports.schemas.ts';
import { listCompletedClasses, listRosterStudents, listSessionPolls } from './reports.repo.ts';
import { effectiveRules } from './rules.ts';
import { findCourseSettings } from './settings.repo.ts';
import { requireCourseManager } from './settings.service.ts';
import { sessionCsv } from './report-csv.ts';

export type ReportsService = ReturnType<typeof createReportsService>;
type MyReport = z.infer<typeof myReport>;
type CourseReportQuery = z.infer<typeof courseReportQuery>;

/** Session and course reports, computed from the durable tables at each request (never from the event log). */
export function createReportsService(db: Db, audit: AuditService, loadSession: LoadSession) {
  async function rulesFor(session: LiveSessionRow, courseSettings?: Record<string, unknown> | null) {
    const course = courseSettings !== undefined ? courseSettings : (await findCourseSettings(db, session.course_id))?.attendance;
    return effectiveRules(course, session.attendance_overrides);
  }

  async function reportOf(session: LiveSessionRow, roster: RosterMember[], now: Date, courseSettings?: Record<string, unknown> | null) {
    const input = await loadReportInput(db, session, await rulesFor(session, courseSettings), roster, now);
    return { input, report: computeSessionReport(input) };
  }

  return {
    /** The whole class report (course mentors, admins). */
    async sessionReport(actor: Actor, sessionId: string): Promise<SessionReport> {
      const { session } = await loadSession(actor, sessionId, 'manage', 'report.read');
      return (await reportOf(session, await listRosterStudents(db, session.course_id), new Date())).report;
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

    /** Records that a manager downloaded one of the course report's tables (the route writes the CSV). */
    async recordCourseExport(actor: Actor, courseId: string, table: string) {
      await insertAuditEntry(db, auditEntry(actor, 'report.export', { type: 'course', id: courseId, courseId }, 'success', { table }));
    },

    /** A student's own part of the class: their row, their answers and quiz results; nobody else's. */
    async myReport(actor: Actor, sessionId: string): Promise<MyReport> {
      const { session, membership } = await loadSession(actor, sessionId, 'view', 'report.read_own');
      if (membership !== 'student') {
        const refused = new AppError('FORBIDDEN', "Only the class's students have a report of their own");
        throw await audit.deny(actor, 'report.read_own', sessionTarget(session), refused);
      }
      const me = (await listRosterStudents(db, session.course_id)).filter((s) => s.userId === actor.id);
      const [{ report }, pollRows] = await Promise.all([reportOf(session, me, new Date()), listSessionPolls(db, [session.id])]);
      const mine = myReportOf(report, actor.id);
      if (!mine) throw new AppError('FORBIDDEN', "Only the class's students have a report of their own");
      // Results a poll shows only once closed stay hidden from students while it is open, as in the poll itself; a
      // quiz's correct option and the verdict on their answer stay hidden until it closes (myReportOf).
      const hidden = new Set(pollRows.filter((p) => p.status === 'open' && p.results_visibility === 'afterClose').map((p) => p.id));
      return { ...mine, polls: mine.polls.map((poll) => (hidden.has(poll.pollId) ? { ...poll, results: emptyResults(poll) } : poll)) };
    },

    /** The course's completed classes in a range, per student and per class (course mentors, admins). */
    async courseReport(actor: Actor, courseId: string, query: Omit<CourseReportQuery, 'format' | 'table'>) {
      await requireCourseManager(db, audit, actor, courseId, 'course.report.read');
      const from = query.from ? new Date(query.from) : null;
      const to = query.to ? new Date(query.to) : null;
      if (from && to && from > to) {
        throw new AppError('VALIDATION_FAILED', 'to must not be before from', [
          { field: 'querystring.to', message: 'must not be before from' },
        ]);
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
      return computeCourseReport({ courseId, from, to, now, roster: students, classes: inputs.map(computeSessionReport) });
    },
  };
}
