import type { Transaction, Updateable } from 'kysely';
import type { AuditAction } from '../audit/audit.actions.ts';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import type { Db } from '../db/kysely.ts';
import type { Database, LiveSessionRow, LiveSessionsTable, SessionStatus } from '../db/tables.ts';
import { appendEvents, type EventDraft } from '../events/events.repo.ts';
import { type ClassDeps, recordChange } from '../classroom/class-deps.ts';
import type { ClassEndHook, SessionChangeHook } from '../classroom/feature.ts';
import { AppError } from '../errors.ts';
import { invalidateSession, isEnded, sessionEndedError, sessionTarget } from '../classroom/session-access.ts';
import { toSessionDto } from './sessions.presenter.ts';
import { lockSession, updateSessionIfStatus } from './sessions.repo.ts';
import { findSession } from '../classroom/access.repo.ts';

/** The lifecycle: scheduled → live → completed, and scheduled | live → cancelled. */
const TRANSITIONS: Record<SessionStatus, SessionStatus[]> = {
  scheduled: ['live', 'cancelled'],
  live: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

const TRANSITION_ACTIONS: Partial<Record<SessionStatus, AuditAction>> = {
  live: 'session.start',
  completed: 'session.complete',
  cancelled: 'session.cancel',
};

export interface LifecycleDeps {
  db: Db;
  audit: AuditService;
  publish: ClassDeps['publish'];
  /** Run in order when a change ends the class (attendance first, then the features). */
  onClassEnd: ClassEndHook[];
  /** Run on every change of the row (the meeting provider hears of a cancel or a new title or time). */
  onSessionChange: SessionChangeHook[];
}

/** Attendance rules are about the report, which is read after the class: they stay editable once it ended. */
export const onlyAttendanceRules = (changes: object): boolean => Object.keys(changes).every((k) => k === 'attendance_overrides');

/**
 * Applies field changes and an optional status transition in one transaction, guarded by the status the caller saw,
 * and tells the room (session:updated). Every change runs the session-change hooks; ending a class runs the class-end
 * hooks (attendance closes its open segments, polls close) at the same instant. A refused transition is audited.
 */
export async function applySessionChange(
  { db, audit, publish, onClassEnd, onSessionChange }: LifecycleDeps,
  actor: Actor,
  session: LiveSessionRow,
  status: SessionStatus | undefined,
  changes: Updateable<LiveSessionsTable>,
  /** The API names of the changed fields, for the audit log. */
  fields: string[] = [],
) {
  const transition = status !== undefined && status !== session.status ? status : undefined;
  const action = (transition && TRANSITION_ACTIONS[transition]) ?? 'session.update';
  if (transition && !TRANSITIONS[session.status].includes(transition)) {
    const refused = new AppError('INVALID_TRANSITION', `A ${session.status} session cannot become ${transition}`);
    throw await audit.deny(actor, action, sessionTarget(session), refused);
  }
  if (!transition && Object.keys(changes).length === 0) return toSessionDto(session, true);
  const now = new Date();
  const update: Updateable<LiveSessionsTable> = { ...changes };
  if (transition) update.status = transition;
  if (transition === 'live') update.actual_start = now;
  if (transition && isEnded(transition)) update.actual_end = session.actual_start ? now : null;

  // A transition needs the status the caller saw; a plain edit only needs the class not to have ended meanwhile.
  // (Attendance rules alone may change on an ended class too: see onlyAttendanceRules.)
  const guard: SessionStatus[] = transition
    ? [session.status]
    : onlyAttendanceRules(changes)
      ? ['scheduled', 'live', 'completed', 'cancelled']
      : ['scheduled', 'live'];
  const ending = transition !== undefined && isEnded(transition);
  const afterCommit: (() => void)[] = [];
  const details = { fields, ...(transition && { from: session.status, to: transition }) };
  const { result: row } = await recordChange({ db, publish: publishFresh(publish) }, session.id, async (trx) => {
    const change = await changeWithin(trx, { onClassEnd, onSessionChange }, actor, session.id, {
      guard,
      update,
      ending,
      now,
      action,
      details,
    });
    if (!change) return { result: undefined, events: [] };
    afterCommit.push(...change.afterCommit);
    return { result: change.updated, events: change.events };
  });
  for (const then of afterCommit) then();
  if (row) return toSessionDto(row, true);
  // Lost a race. Someone else already made the same transition (two DELETEs): that is success, as done.
  const current = await findSession(db, session.id);
  if (current && transition && current.status === transition && fields.length === 0) return toSessionDto(current, true);
  const refused =
    current && isEnded(current.status)
      ? sessionEndedError(current.status, transition ? `make it ${transition}` : 'edit it')
      : new AppError('INVALID_TRANSITION', `The session changed meanwhile; it is now ${current?.status ?? 'gone'}`);
  throw await audit.deny(actor, action, sessionTarget(session), refused);
}

interface ChangeWithin {
  /** The statuses the row must be in for the change to apply. */
  guard: SessionStatus[];
  update: Updateable<LiveSessionsTable>;
  /** The change ends the class: the class-end hooks run. */
  ending: boolean;
  now: Date;
  action: AuditAction;
  details: Record<string, unknown>;
}

/**
 * The change itself, inside the caller's transaction: the row locked first (the hooks see it as it was), updated if
 * its status is still one of `guard`, the session-change hooks, the class-end hooks when it ends, the audit row.
 * Returns the events for the session's own log and what to run once it has committed; undefined when the status
 * moved meanwhile. Shared by applySessionChange and a breakout room ending after its round.
 */
async function changeWithin(
  trx: Transaction<Database>,
  { onClassEnd, onSessionChange }: Pick<LifecycleDeps, 'onClassEnd' | 'onSessionChange'>,
  actor: Actor | null,
  sessionId: string,
  c: ChangeWithin,
): Promise<{ updated: LiveSessionRow; events: EventDraft[]; afterCommit: (() => void)[] } | undefined> {
  const before = await lockSession(trx, sessionId);
  const updated = before && (await updateSessionIfStatus(trx, sessionId, c.guard, c.update));
  if (!before || !updated) return undefined;
  const afterCommit: (() => void)[] = [];
  for (const hook of onSessionChange) {
    const then = await hook(trx, before, updated);
    if (then) afterCommit.push(then);
  }
  const endEvents: EventDraft[] = [];
  let details = c.details;
  if (c.ending) {
    for (const hook of onClassEnd) {
      const outcome = await hook(trx, sessionId, c.now);
      endEvents.push(...(outcome.events ?? []));
      if (outcome.afterCommit) afterCommit.push(outcome.afterCommit);
      details = { ...details, ...outcome.audit };
    }
  }
  await insertAuditEntry(trx, auditEntry(actor, c.action, sessionTarget(updated), 'success', details));
  const events: EventDraft[] = [...endEvents, { event: 'session:updated', payload: { session: toSessionDto(updated, false) } }];
  return { updated, events, afterCommit };
}

/**
 * Ends a live session inside the caller's transaction, exactly as `PUT …{ status: 'completed' }` would (its
 * attendance segments close, hands come down, polls close, its room hears session:updated): a breakout room ending
 * after its round closed, in its own transaction (breakouts.room-ends.ts). The caller publishes `publish()` once its
 * transaction has committed. Undefined when the session was not live.
 */
export async function endSessionWithin(
  trx: Transaction<Database>,
  deps: Pick<LifecycleDeps, 'onClassEnd' | 'onSessionChange' | 'publish'>,
  actor: Actor | null,
  sessionId: string,
  now: Date,
): Promise<{ publish: () => void } | undefined> {
  const update: Updateable<LiveSessionsTable> = { status: 'completed', actual_end: now };
  const details = { fields: [], from: 'live', to: 'completed' };
  const change = await changeWithin(trx, deps, actor, sessionId, {
    guard: ['live'],
    update,
    ending: true,
    now,
    action: 'session.complete',
    details,
  });
  if (!change) return undefined;
  const stored = await appendEvents(trx, sessionId, change.events);
  return {
    publish: () => {
      publishFresh(deps.publish)(sessionId, stored);
      for (const then of change.afterCommit) then();
    },
  };
}

/**
 * Forgets the cached session once the change has committed and before the room hears of it: nobody who saw the
 * change acts on the row as it was, and an ended class refuses the very next vote or message.
 */
function publishFresh(publish: ClassDeps['publish']): ClassDeps['publish'] {
  return (sessionId, events) => {
    invalidateSession(sessionId);
    publish(sessionId, events);
  };
}
