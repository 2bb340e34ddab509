import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import { type ClassDeps, recordChange, seqOf } from '../classroom/class-deps.ts';
import { invalidateSession, isEnded, type LoadSession, sessionEndedError, sessionTarget } from '../classroom/session-access.ts';
import type { Transaction } from 'kysely';
import type { Db } from '../db/kysely.ts';
import type { Database, LiveSessionRow } from '../db/tables.ts';
import type { AnnouncementResult } from './announcement.schemas.ts';
import { toSessionDto } from './sessions.presenter.ts';
import { lockSession, updateSessionIfStatus } from './sessions.repo.ts';

export interface AnnouncementDeps {
  db: Db;
  audit: AuditService;
  loadSession: LoadSession;
  publish: ClassDeps['publish'];
}

/**
 * Pins (or, with null, takes down) the mentor's announcement: stored on the session, so it is part of the session's
 * state that every join returns, and told to the room as session:updated. Course mentors and admins, before or during
 * the class; an ended class refuses. Not a session edit for the meeting provider, so no session-change hook runs.
 */
export async function setAnnouncement(
  deps: AnnouncementDeps,
  actor: Actor,
  sessionId: string,
  text: string | null,
): Promise<AnnouncementResult> {
  const { db, audit, loadSession, publish } = deps;
  const { session } = await loadSession(actor, sessionId, 'manage', 'session.announce');
  const target = sessionTarget(session);
  if (isEnded(session.status))
    throw await audit.deny(actor, 'session.announce', target, sessionEndedError(session.status, 'pin an announcement'));
  // Caches forget the row before the room hears of it, as for every session change.
  const publishFresh: ClassDeps['publish'] = (id, events) => {
    invalidateSession(id);
    publish(id, events);
  };
  const { result, events } = await audit.guard(actor, 'session.announce', target, () =>
    recordChange({ db, publish: publishFresh }, session.id, async (trx) => {
      const row = await announceWithin(trx, session.id, text, new Date());
      await insertAuditEntry(trx, auditEntry(actor, 'session.announce', target, 'success', { cleared: text === null }));
      const dto = toSessionDto(row, false);
      return { result: dto.announcement, events: [{ event: 'session:updated', payload: { session: dto } }] };
    }),
  );
  return { announcement: result, seq: seqOf(events) };
}

/**
 * Pins (or takes down) the announcement inside the caller's transaction, under the session's lock; refused, as if it
 * had ended before, when the session ended meanwhile. The caller appends the row's `session:updated`. Also how a
 * breakout broadcast pins its text in every room.
 */
export async function announceWithin(
  trx: Transaction<Database>,
  sessionId: string,
  text: string | null,
  at: Date,
): Promise<LiveSessionRow> {
  const locked = await lockSession(trx, sessionId);
  if (!locked || isEnded(locked.status)) throw sessionEndedError(locked?.status ?? 'cancelled', 'pin an announcement');
  const changes = { announcement: text, announcement_at: text === null ? null : at };
  const row = await updateSessionIfStatus(trx, sessionId, ['scheduled', 'live'], changes);
  if (!row) throw sessionEndedError(locked.status, 'pin an announcement');
  return row;
}
