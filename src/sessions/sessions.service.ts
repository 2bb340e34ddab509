import type { Transaction, Updateable } from 'kysely';
import { enqueueSessionCreated } from './session-webhooks.ts';
import type { Actor } from '../auth/actor.ts';
import { canManageCourse, canViewCourse, isAdmin } from '../auth/policies.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { listCourseIdsOf, listMentoredCourseIds } from '../courses/courses.repo.ts';
import { findMembership } from '../classroom/access.repo.ts';
import { membershipOf } from '../classroom/membership.ts';
import type { Db } from '../db/kysely.ts';
import type { Database, LiveSessionRow, LiveSessionsTable } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { uuid } from '../http/common.schemas.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import { isEnded, type LoadSession, sessionEndedError, sessionTarget } from '../classroom/session-access.ts';
import type { MeetingPlan, MeetingsService } from '../meetings/meetings.service.ts';
import { setAnnouncement } from './announcement.ts';
import { applySessionChange, type LifecycleDeps, onlyAttendanceRules } from './session-lifecycle.ts';
import { toSessionDto } from './sessions.presenter.ts';
import { insertSession, listSessions } from './sessions.repo.ts';
import type { CreateSessionBody, ListSessionsQuery, SessionSettings, UpdateSessionBody } from './sessions.schemas.ts';

export interface SessionsDeps extends LifecycleDeps {
  loadSession: LoadSession;
  /** A new session's link is planned and owed to its provider in the transaction that schedules it. */
  meetings: Pick<MeetingsService, 'plan' | 'owe' | 'kick'>;
  /** After a new session commits: its course's live schedule hears of it (course:session). */
  onCreated?: (row: LiveSessionRow) => void;
}

export type SessionsService = ReturnType<typeof createSessionsService>;

export function createSessionsService(deps: SessionsDeps) {
  const { db, audit, loadSession, meetings, onCreated } = deps;

  /** A breakout room opens and closes with its round (src/breakouts): the session routes leave it alone. */
  async function refuseRoom(session: LiveSessionRow, actor: Actor, action: 'session.update' | 'session.cancel') {
    if (!session.parent_session_id) return;
    const refused = new AppError('BREAKOUT_IN_ROOM', 'A breakout room starts, ends and changes with its round, not on its own');
    throw await audit.deny(actor, action, sessionTarget(session), refused);
  }

  const service = {
    async create(actor: Actor, input: CreateSessionBody) {
      const [row] = await service.schedule(actor, input, [new Date(input.scheduledStart)]);
      return toSessionDto(row as LiveSessionRow, true);
    },

    /**
     * Schedules one class per start from one create body, all in one transaction, each with its own meeting link
     * planned and owed as a lone class's is. `within` runs first in that transaction (a series saves its row there)
     * and returns the series its classes join, each at its place (src/sessions/series.service.ts).
     */
    async schedule(
      actor: Actor,
      input: CreateSessionBody,
      starts: Date[],
      within?: (trx: Transaction<Database>) => Promise<{ series_id: string }>,
    ): Promise<LiveSessionRow[]> {
      const courseTarget = { type: 'course', id: input.courseId, courseId: input.courseId };
      if (!canManageCourse(actor, await membershipOf(db, actor, input.courseId))) {
        const denied = new AppError('FORBIDDEN', 'Only mentors of this course may schedule its sessions');
        throw await audit.deny(actor, 'session.create', courseTarget, denied);
      }
      const mentorId = input.mentorId ?? actor.id;
      if (mentorId !== actor.id && (await findMembership(db, input.courseId, mentorId)) !== 'mentor') {
        throw new AppError('VALIDATION_FAILED', 'The mentor must be a mentor on the course roster', [
          { field: 'body.mentorId', message: 'is not a mentor of this course' },
        ]);
      }
      const planned = starts.map(() => meetings.plan(input.title, input.meeting));
      const created = await db.transaction().execute(async (trx) => {
        const series = await within?.(trx);
        const rows: LiveSessionRow[] = [];
        let owes = false;
        for (const [position, start] of starts.entries()) {
          const meeting = planned[position] as MeetingPlan;
          const row = await insertSession(trx, {
            course_id: input.courseId,
            title: input.title,
            description: input.description ?? null,
            mentor_id: mentorId,
            scheduled_start: start,
            duration_minutes: input.durationMinutes,
            status: 'scheduled',
            ...meeting,
            ...settingsColumns(input.settings ?? {}),
            ...(series && { series_id: series.series_id, series_position: position }),
            updated_at: new Date(),
          });
          const details = { meetingProvider: row.meeting_provider, ...(series && { seriesId: series.series_id }) };
          await insertAuditEntry(trx, auditEntry(actor, 'session.create', sessionTarget(row), 'success', details));
          await enqueueSessionCreated(trx, row);
          owes = (await meetings.owe(trx, row.id, meeting)) || owes;
          rows.push(row);
        }
        return { rows, owes };
      });
      if (created.owes) meetings.kick();
      for (const row of created.rows) onCreated?.(row);
      return created.rows;
    },

    async get(actor: Actor, sessionId: string) {
      const { session, manages } = await loadSession(actor, sessionId, 'view', 'session.read');
      return toSessionDto(session, manages);
    },

    /** One course's sessions (members), or those of every course the caller is on (admins: all), in start order. */
    async list(actor: Actor, query: ListSessionsQuery) {
      let courseIds: string[] | undefined;
      if (query.courseId) {
        if (!canViewCourse(actor, await membershipOf(db, actor, query.courseId))) {
          const denied = new AppError('FORBIDDEN', 'You are not a member of this course');
          throw await audit.deny(actor, 'session.list', { type: 'course', id: query.courseId, courseId: query.courseId }, denied);
        }
        courseIds = [query.courseId];
      } else if (!isAdmin(actor)) {
        courseIds = await listCourseIdsOf(db, actor.id);
      }
      const after = query.cursor ? decodeCursor(query.cursor, parseSessionCursor) : undefined;
      const rows = await listSessions(db, {
        courseIds,
        status: query.status,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        after,
        limit: query.limit + 1,
      });
      const managed = await managedCourses(db, actor, rows);
      return toPage(
        rows,
        query.limit,
        (row) => toSessionDto(row, managed.has(row.course_id)),
        (row) => [row.scheduled_start.toISOString(), row.id],
      );
    },

    async update(actor: Actor, sessionId: string, patch: UpdateSessionBody) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'session.update');
      await refuseRoom(session, actor, 'session.update');
      const { status, ...fields } = patch;
      const changes: Updateable<LiveSessionsTable> = {
        ...(fields.title !== undefined && { title: fields.title }),
        ...(fields.description !== undefined && { description: fields.description }),
        ...(fields.scheduledStart !== undefined && { scheduled_start: new Date(fields.scheduledStart) }),
        ...(fields.durationMinutes !== undefined && { duration_minutes: fields.durationMinutes }),
        ...settingsColumns(fields.settings ?? {}),
        ...(fields.attendance !== undefined && { attendance_overrides: fields.attendance && JSON.stringify(fields.attendance) }),
      };
      if (isEnded(session.status) && !onlyAttendanceRules(changes)) {
        throw await audit.deny(actor, 'session.update', sessionTarget(session), sessionEndedError(session.status, 'edit it'));
      }
      const changed = Object.entries(fields).flatMap(([key, value]) =>
        key === 'settings' ? Object.keys(value as object).map((s) => `settings.${s}`) : [key],
      );
      return applySessionChange(deps, actor, session, status, changes, changed);
    },

    /** Pins the mentor's announcement, or takes it down (null); see announcement.ts. */
    announce: (actor: Actor, sessionId: string, text: string | null) => setAnnouncement(deps, actor, sessionId, text),

    /** DELETE cancels; cancelling a cancelled session again is a no-op. */
    async cancel(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'session.cancel');
      await refuseRoom(session, actor, 'session.cancel');
      return applySessionChange(deps, actor, session, 'cancelled', {});
    },
  };
  return service;
}

function settingsColumns(s: Partial<SessionSettings>) {
  return {
    ...(s.chatEnabled !== undefined && { chat_enabled: s.chatEnabled }),
    ...(s.qaEnabled !== undefined && { qa_enabled: s.qaEnabled }),
    ...(s.pollsEnabled !== undefined && { polls_enabled: s.pollsEnabled }),
    ...(s.anonymousQuestions !== undefined && { anonymous_questions: s.anonymousQuestions }),
    ...(s.reviewQuestions !== undefined && { review_questions: s.reviewQuestions }),
  };
}

/** Accepts only the exact shape we issue: a UTC ISO instant and a UUID, so nothing odd reaches the database. */
function parseSessionCursor(value: unknown): { start: Date; id: string } | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [start, id] = value as unknown[];
  if (typeof start !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(start)) return null;
  if (!uuid.safeParse(id).success || Number.isNaN(Date.parse(start))) return null;
  return { start: new Date(start), id: id as string };
}

/** Courses among these rows whose sessions the actor manages (they see meeting links in listings). */
async function managedCourses(db: Db, actor: Actor, rows: LiveSessionRow[]): Promise<Set<string>> {
  const courseIds = [...new Set(rows.map((r) => r.course_id))];
  if (isAdmin(actor)) return new Set(courseIds);
  // The token role half of canManageCourse; the roster half is the query.
  if (actor.role !== 'mentor') return new Set();
  return new Set(await listMentoredCourseIds(db, actor.id, courseIds));
}
