import type { Actor } from '../auth/actor.ts';
import { canManageCourse, canViewCourse } from '../auth/policies.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import type { AuditAction } from '../audit/audit.actions.ts';
import type { Log } from '../background.ts';
import { membershipOf } from '../classroom/membership.ts';
import type { LoadSession } from '../classroom/session-access.ts';
import type { Db } from '../db/kysely.ts';
import type { LiveSessionRow, SessionSeriesRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { atWallTime, seriesStarts } from './series-rule.ts';
import { isIanaZone, parseWallTime } from './series-zone.ts';
import { findSeries, insertSeries, listSeriesClasses } from './series.repo.ts';
import type { CancelSeriesBody, CreateSeriesBody, SeriesDto, UpdateSeriesBody } from './series.schemas.ts';
import { toSessionDto } from './sessions.presenter.ts';
import type { SessionDto } from './sessions.schemas.ts';
import type { SessionsService } from './sessions.service.ts';

export interface SeriesDeps {
  db: Db;
  audit: AuditService;
  loadSession: LoadSession;
  /** Classes are scheduled, edited and cancelled through the sessions service, exactly as one at a time. */
  sessions: Pick<SessionsService, 'schedule' | 'update' | 'cancel'>;
  /** Where a class that failed unexpectedly in a series change is logged (it is also listed in `skipped`). */
  log: Log;
}

export type SeriesService = ReturnType<typeof createSeriesService>;

const seriesNotFound = () => new AppError('SERIES_NOT_FOUND', 'No such series, or the class is not one of its classes');
const invalid = (field: string, message: string) => new AppError('VALIDATION_FAILED', `${field} ${message}`, [{ field, message }]);

/** Recurring classes: a series is scheduled at once, then edited or cancelled one class or "this and following". */
export function createSeriesService({ db, audit, loadSession, sessions, log }: SeriesDeps) {
  /** The class a change starts from, managed by the actor and of this series; then the series and the classes in scope. */
  async function scope(actor: Actor, seriesId: string, body: CancelSeriesBody, action: AuditAction) {
    const { session } = await loadSession(actor, body.fromSessionId, 'manage', action);
    const series = session.series_id === seriesId ? await findSeries(db, seriesId) : undefined;
    if (!series || session.series_position === null)
      throw await audit.deny(actor, action, { type: 'series', id: seriesId }, seriesNotFound());
    const classes = body.scope === 'one' ? [session] : await listSeriesClasses(db, seriesId, session.series_position);
    return { series, classes };
  }

  /**
   * Runs `change` on each scheduled class in scope, one transaction each; the others are skipped. A class that cannot
   * take the change (it went live meanwhile: 409, or any refusal) or fails unexpectedly is skipped with the reason and
   * the rest still change: the reply and the series audit entry then tell exactly which classes changed, rather than
   * a 500 after half of them did. Unexpected failures are logged with the class, and their reason hides internals.
   */
  async function eachScheduled(seriesId: string, classes: LiveSessionRow[], change: (row: LiveSessionRow) => Promise<SessionDto>) {
    const changed: SessionDto[] = [];
    const skipped: { id: string; status: string; reason: string }[] = [];
    let failed = 0;
    for (const row of classes) {
      if (row.status !== 'scheduled') {
        skipped.push({ id: row.id, status: row.status, reason: 'only scheduled classes change' });
        continue;
      }
      try {
        changed.push(await change(row));
      } catch (err) {
        const refused = err instanceof AppError && err.status < 500;
        if (!refused) {
          failed += 1;
          log.error({ err, seriesId, sessionId: row.id }, 'a class of a series could not be changed');
        }
        const reason = refused ? err.message : 'failed unexpectedly and was left as it was; try again';
        skipped.push({ id: row.id, status: row.status, reason });
      }
    }
    return { changed, skipped, failed };
  }

  async function audited(actor: Actor, action: AuditAction, series: SessionSeriesRow, details: Record<string, unknown>) {
    const target = { type: 'series', id: series.id, courseId: series.course_id };
    await insertAuditEntry(db, auditEntry(actor, action, target, 'success', details));
  }

  return {
    /** Schedules every class of the rule in one transaction (all or none); 201 with the series and its classes. */
    async create(actor: Actor, body: CreateSeriesBody) {
      const { rrule, timezone, firstStart, ...single } = body;
      if (!canManageCourse(actor, await membershipOf(db, actor, body.courseId))) {
        const denied = new AppError('FORBIDDEN', 'Only mentors of this course may schedule its sessions');
        throw await audit.deny(actor, 'series.create', { type: 'course', id: body.courseId, courseId: body.courseId }, denied);
      }
      if (!isIanaZone(timezone)) throw invalid('body.timezone', 'must be an IANA time zone such as Europe/Berlin');
      const wall = parseWallTime(firstStart);
      if (!wall) throw invalid('body.firstStart', 'must be a real local date and time YYYY-MM-DDTHH:mm');
      const starts = seriesStarts(rrule, wall, timezone);
      let series: SessionSeriesRow | undefined;
      const input = { ...single, scheduledStart: (starts[0] as Date).toISOString() };
      const rows = await sessions.schedule(actor, input, starts, async (trx) => {
        series = await insertSeries(trx, { course_id: body.courseId, rrule, timezone, first_start: firstStart, created_by: actor.id });
        const details = { rrule, timezone, firstStart, classes: starts.length };
        await insertAuditEntry(
          trx,
          auditEntry(actor, 'series.create', { type: 'series', id: series.id, courseId: body.courseId }, 'success', details),
        );
        return { series_id: series.id };
      });
      return { series: toSeriesDto(series as SessionSeriesRow), sessions: rows.map((row) => toSessionDto(row, true)) };
    },

    /** A series and its classes, for anyone who may see the course's classes. */
    async get(actor: Actor, seriesId: string) {
      const series = await findSeries(db, seriesId);
      const membership = series && (await membershipOf(db, actor, series.course_id));
      if (!series || membership === undefined || !canViewCourse(actor, membership)) {
        throw await audit.deny(actor, 'session.list', { type: 'series', id: seriesId }, seriesNotFound());
      }
      const manages = canManageCourse(actor, membership);
      const rows = await listSeriesClasses(db, seriesId);
      return { series: toSeriesDto(series), sessions: rows.map((row) => toSessionDto(row, manages)) };
    },

    /** Edits one class or it and the following ones; a new `startTime` is applied on each class's own local day. */
    async update(actor: Actor, seriesId: string, body: UpdateSeriesBody) {
      const { series, classes } = await scope(actor, seriesId, body, 'series.update');
      const { fromSessionId, scope: _scope, startTime, ...fields } = body;
      const result = await eachScheduled(seriesId, classes, (row) =>
        sessions.update(actor, row.id, {
          ...fields,
          ...(startTime && { scheduledStart: atWallTime(row.scheduled_start, startTime, series.timezone).toISOString() }),
        }),
      );
      const changedFields = Object.keys(fields).concat(startTime ? ['startTime'] : []);
      await audited(actor, 'series.update', series, {
        scope: body.scope,
        fromSessionId,
        fields: changedFields,
        changed: result.changed.length,
        skipped: result.skipped.map((x) => x.id),
        failed: result.failed,
      });
      return { series: toSeriesDto(series), sessions: result.changed, skipped: result.skipped };
    },

    /** Cancels one class or it and the following ones (each stays readable with status cancelled). */
    async cancel(actor: Actor, seriesId: string, body: CancelSeriesBody) {
      const { series, classes } = await scope(actor, seriesId, body, 'series.cancel');
      const result = await eachScheduled(seriesId, classes, (row) => sessions.cancel(actor, row.id));
      await audited(actor, 'series.cancel', series, {
        scope: body.scope,
        fromSessionId: body.fromSessionId,
        cancelled: result.changed.length,
        skipped: result.skipped.map((x) => x.id),
        failed: result.failed,
      });
      return { series: toSeriesDto(series), sessions: result.changed, skipped: result.skipped };
    },
  };
}

function toSeriesDto(row: SessionSeriesRow): SeriesDto {
  return {
    id: row.id,
    courseId: row.course_id,
    rrule: row.rrule,
    timezone: row.timezone,
    firstStart: row.first_start,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}
