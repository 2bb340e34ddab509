import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import { findSession } from '../classroom/access.repo.ts';
import type { ClassEndHook } from '../classroom/feature.ts';
import { type LoadSession, sessionTarget } from '../classroom/session-access.ts';
import type { Db } from '../db/kysely.ts';
import type { LtiGradePublicationsTable } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { courseTarget, requireCourseManager } from '../reports/settings.service.ts';
import { toPublicationDto } from './lti.ags.presenter.ts';
import {
  enqueuePublications,
  findGradeSettings,
  listPublicationStates,
  listPublications,
  requeueFailed,
  upsertGradeSettings,
} from './lti.ags.repo.ts';
import type { GradeSettingsInput } from './lti.ags.schemas.ts';
import { findLtiCourse } from './lti.nrps.repo.ts';

export interface GradesDeps {
  db: Db;
  audit: AuditService;
  loadSession: LoadSession;
  /** Tells the grade worker that work was committed. */
  kick: () => void;
}

export type GradesService = ReturnType<typeof createGradesService>;

/** Grades to the LMS (LTI AGS): the course's setting, each class's publication state, and the class-end hook. */
export function createGradesService({ db, audit, loadSession, kick }: GradesDeps) {
  const offered = async (courseId: string) => Boolean((await findLtiCourse(db, courseId))?.ags_lineitems_url);

  async function view(courseId: string) {
    const [row, available] = await Promise.all([findGradeSettings(db, courseId), offered(courseId)]);
    return {
      courseId,
      attendance: row?.attendance ?? 'off',
      quizzes: row?.quizzes ?? false,
      available,
      updatedAt: row?.updated_at.toISOString() ?? null,
    };
  }

  /**
   * When a class ends (completed, not cancelled; a class, not a breakout room): what the course publishes becomes
   * owed, in the class end's own transaction, and the worker hears of it once that has committed.
   */
  const onClassEnd: ClassEndHook = async (trx, sessionId) => {
    const session = await findSession(trx, sessionId);
    if (session?.status !== 'completed' || session.parent_session_id !== null) return {};
    const settings = await findGradeSettings(trx, session.course_id);
    if (!settings) return {};
    const owed: Pick<LtiGradePublicationsTable, 'session_id' | 'course_id' | 'kind' | 'mode'>[] = [];
    const base = { session_id: sessionId, course_id: session.course_id };
    if (settings.attendance !== 'off') owed.push({ ...base, kind: 'attendance', mode: settings.attendance });
    if (settings.quizzes) owed.push({ ...base, kind: 'quiz', mode: 'score' });
    const count = await enqueuePublications(trx, owed);
    return count > 0 ? { audit: { ltiGradesOwed: owed.map((o) => o.kind) }, afterCommit: kick } : {};
  };

  return {
    onClassEnd,

    async getSettings(actor: Actor, courseId: string) {
      await requireCourseManager(db, audit, actor, courseId, 'lti.grades.read');
      return view(courseId);
    },

    /** Replaces the setting; turning publication on needs an LMS that offered AGS for the course. */
    async putSettings(actor: Actor, courseId: string, input: GradeSettingsInput) {
      await requireCourseManager(db, audit, actor, courseId, 'lti.grades.put');
      if ((input.attendance !== 'off' || input.quizzes) && !(await offered(courseId))) {
        const refused = new AppError(
          'LTI_SERVICE_NOT_OFFERED',
          'The LMS did not offer Assignment and Grade Services for this course: launch it from the LMS with grades enabled first',
        );
        throw await audit.deny(actor, 'lti.grades.put', courseTarget(courseId), refused);
      }
      await db.transaction().execute(async (trx) => {
        await upsertGradeSettings(trx, courseId, input, actor.id);
        await insertAuditEntry(trx, auditEntry(actor, 'lti.grades.put', courseTarget(courseId), 'success', { ...input }));
      });
      return view(courseId);
    },

    /** A class's publications (its managers): sent, pending or failed, with the LMS's last answer. */
    async sessionGrades(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'lti.grades.read');
      return { sessionId: session.id, publications: (await listPublications(db, session.id)).map(toPublicationDto) };
    },

    /** Sends a class's failed publications again, from the first attempt (its managers). */
    async retry(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'lti.grades.retry');
      const requeued = await db.transaction().execute(async (trx) => {
        const n = await requeueFailed(trx, session.id);
        if (n > 0) await insertAuditEntry(trx, auditEntry(actor, 'lti.grades.retry', sessionTarget(session), 'success', { requeued: n }));
        return n;
      });
      if (requeued === 0) {
        throw new AppError('LTI_GRADES_NOT_FAILED', 'This class has no failed grade publication to send again');
      }
      kick();
      return { sessionId: session.id, publications: (await listPublications(db, session.id)).map(toPublicationDto) };
    },
  };
}

/** The class report's view of its publications (reports.service adds it to the session report). */
export async function gradeStatesOf(db: Db, sessionId: string) {
  return (await listPublications(db, sessionId)).map(toPublicationDto);
}

/** Per class, the worst state of its publications (failed, then pending, then sent), for the course report. */
export async function gradeStatusByClass(db: Db, sessionIds: string[]): Promise<Map<string, 'pending' | 'sent' | 'failed'>> {
  const rank = { failed: 3, pending: 2, sent: 1 } as const;
  const worst = new Map<string, 'pending' | 'sent' | 'failed'>();
  for (const row of await listPublicationStates(db, sessionIds)) {
    const seen = worst.get(row.session_id);
    if (!seen || rank[row.status] > rank[seen]) worst.set(row.session_id, row.status);
  }
  return worst;
}
