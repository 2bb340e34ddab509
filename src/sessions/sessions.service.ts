import type { Kysely, Updateable } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { canManageCourse, canViewCourse } from '../auth/policies.ts';
import { closeOpenSegments } from '../attendance/attendance.repo.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import { findMembership, listCourseIdsOf } from '../courses/courses.repo.ts';
import type { Db } from '../db/kysely.ts';
import type { Database, LiveSessionRow, LiveSessionsTable, SessionStatus } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../http/cursor.ts';
import type { MeetingLink } from '../meetings/meetings.service.ts';
import { type LoadSession, sessionEndedError } from './session-access.ts';
import { toSessionDto } from './sessions.presenter.ts';
import { findSession, insertSession, listSessions, updateSessionIfStatus } from './sessions.repo.ts';
import type { CreateSessionBody, ListSessionsQuery, SessionSettings, UpdateSessionBody } from './sessions.schemas.ts';

/** The lifecycle: scheduled → live → completed, and scheduled | live → cancelled. */
const TRANSITIONS: Record<SessionStatus, SessionStatus[]> = {
  scheduled: ['live', 'cancelled'],
  live: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export interface SessionsDeps {
  db: Db;
  audit: AuditService;
  loadSession: LoadSession;
  createMeetingLink: (title: string) => MeetingLink;
}

export type SessionsService = ReturnType<typeof createSessionsService>;

export function createSessionsService({ db, audit, loadSession, createMeetingLink }: SessionsDeps) {
  return {
    async create(actor: Actor, input: CreateSessionBody) {
      const courseTarget = { type: 'course', id: input.courseId, courseId: input.courseId };
      const membership = await findMembership(db, input.courseId, actor.id);
      if (!canManageCourse(actor, membership)) {
        const denied = new AppError('FORBIDDEN', 'Only mentors of this course may schedule its sessions');
        throw await audit.deny(actor, 'session.create', courseTarget, denied);
      }
      const mentorId = input.mentorId ?? actor.id;
      if (mentorId !== actor.id && (await findMembership(db, input.courseId, mentorId)) !== 'mentor') {
        throw new AppError('VALIDATION_FAILED', 'The mentor must be a mentor on the course roster', [
          { field: 'body.mentorId', message: 'is not a mentor of this course' },
        ]);
      }
      const meeting = createMeetingLink(input.title);
      return db.transaction().execute(async (trx) => {
        const row = await insertSession(trx, {
          course_id: input.courseId,
          title: input.title,
          description: input.description ?? null,
          mentor_id: mentorId,
          scheduled_start: new Date(input.scheduledStart),
          duration_minutes: input.durationMinutes,
          status: 'scheduled',
          meeting_provider: meeting.provider,
          meeting_url: meeting.url,
          meeting_status: meeting.status,
          ...settingsColumns(input.settings ?? {}),
          updated_at: new Date(),
        });
        await insertAuditEntry(trx, auditEntry(actor, 'session.create', sessionTarget(row), 'success'));
        return toSessionDto(row, true);
      });
    },

    async get(actor: Actor, sessionId: string) {
      const { session, manages } = await loadSession(actor, sessionId, 'view', 'session.read');
      return toSessionDto(session, manages);
    },

    async list(actor: Actor, query: ListSessionsQuery) {
      let courseIds: string[] | undefined;
      if (query.courseId) {
        const membership = actor.role === 'admin' ? null : await findMembership(db, query.courseId, actor.id);
        if (!canViewCourse(actor, membership)) {
          const denied = new AppError('FORBIDDEN', 'You are not a member of this course');
          throw await audit.deny(actor, 'session.list', { type: 'course', id: query.courseId, courseId: query.courseId }, denied);
        }
        courseIds = [query.courseId];
      } else if (actor.role !== 'admin') {
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
      const page = rows.slice(0, query.limit);
      const managed = await managedCourses(db, actor, page);
      const last = page.at(-1);
      return {
        items: page.map((row) => toSessionDto(row, managed.has(row.course_id))),
        nextCursor: rows.length > query.limit && last ? encodeCursor([last.scheduled_start.toISOString(), last.id]) : null,
      };
    },

    async update(actor: Actor, sessionId: string, patch: UpdateSessionBody) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'session.update');
      const { status, ...fields } = patch;
      const changes: Updateable<LiveSessionsTable> = {
        ...(fields.title !== undefined && { title: fields.title }),
        ...(fields.description !== undefined && { description: fields.description }),
        ...(fields.scheduledStart !== undefined && { scheduled_start: new Date(fields.scheduledStart) }),
        ...(fields.durationMinutes !== undefined && { duration_minutes: fields.durationMinutes }),
        ...settingsColumns(fields.settings ?? {}),
      };
      const ended = session.status === 'completed' || session.status === 'cancelled';
      if (ended && Object.keys(changes).length > 0) throw sessionEndedError(session, 'edit it');
      return applyChange(db, actor, session, status, changes);
    },

    /** DELETE cancels; cancelling a cancelled session again is a no-op. */
    async cancel(actor: Actor, sessionId: string) {
      const { session } = await loadSession(actor, sessionId, 'manage', 'session.cancel');
      return applyChange(db, actor, session, 'cancelled', {});
    },
  };
}

/**
 * Applies field changes and an optional status transition in one transaction, guarded by the status the caller saw.
 * Ending a class (completed or cancelled) closes every open attendance segment at the same instant.
 */
async function applyChange(
  db: Db,
  actor: Actor,
  session: LiveSessionRow,
  status: SessionStatus | undefined,
  changes: Updateable<LiveSessionsTable>,
) {
  const transition = status !== undefined && status !== session.status ? status : undefined;
  if (transition && !TRANSITIONS[session.status].includes(transition)) {
    throw new AppError('INVALID_TRANSITION', `A ${session.status} session cannot become ${transition}`);
  }
  if (!transition && Object.keys(changes).length === 0) return toSessionDto(session, true);
  const fields = Object.keys(changes);
  const now = new Date();
  if (transition === 'live') changes.actual_start = now;
  if (transition === 'completed' || transition === 'cancelled') {
    changes.actual_end = session.actual_start ? now : null;
  }
  const row = await db.transaction().execute(async (trx) => {
    const updated = await updateSessionIfStatus(trx, session.id, session.status, { ...changes, ...(transition && { status: transition }) });
    if (!updated) return undefined;
    const closed = transition === 'completed' || transition === 'cancelled' ? await closeOpenSegments(trx, session.id, now) : 0;
    const action = transition ? `session.${transition === 'live' ? 'start' : transition === 'completed' ? 'complete' : 'cancel'}` : 'session.update';
    await insertAuditEntry(trx, auditEntry(actor, action, sessionTarget(updated), 'success', {
      fields,
      ...(transition && { from: session.status, to: transition }),
      ...(closed > 0 && { closedSegments: closed }),
    }));
    return updated;
  });
  if (!row) {
    const current = await findSession(db, session.id);
    throw new AppError('INVALID_TRANSITION', `The session changed meanwhile; it is now ${current?.status ?? 'gone'}`);
  }
  return toSessionDto(row, true);
}

function settingsColumns(s: Partial<SessionSettings>) {
  return {
    ...(s.chatEnabled !== undefined && { chat_enabled: s.chatEnabled }),
    ...(s.qaEnabled !== undefined && { qa_enabled: s.qaEnabled }),
    ...(s.pollsEnabled !== undefined && { polls_enabled: s.pollsEnabled }),
    ...(s.anonymousQuestions !== undefined && { anonymous_questions: s.anonymousQuestions }),
  };
}

function sessionTarget(row: LiveSessionRow) {
  return { type: 'session', id: row.id, courseId: row.course_id, sessionId: row.id };
}

function parseSessionCursor(value: unknown): { start: Date; id: string } | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [start, id] = value as unknown[];
  // Only the exact shapes we issue: a UTC ISO instant and a UUID, so nothing odd reaches the database.
  if (typeof start !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(start)) return null;
  if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  if (Number.isNaN(Date.parse(start))) return null;
  return { start: new Date(start), id };
}

/** Courses among these rows whose sessions the actor manages (they see meeting links of ended sessions). */
async function managedCourses(db: Kysely<Database>, actor: Actor, rows: LiveSessionRow[]): Promise<Set<string>> {
  const courseIds = [...new Set(rows.map((r) => r.course_id))];
  if (actor.role === 'admin') return new Set(courseIds);
  if (actor.role !== 'mentor' || courseIds.length === 0) return new Set();
  const mentorOf = await db
    .selectFrom('course_members')
    .select('course_id')
    .where('user_id', '=', actor.id)
    .where('role', '=', 'mentor')
    .where('course_id', 'in', courseIds)
    .execute();
  return new Set(mentorOf.map((r) => r.course_id));
}
