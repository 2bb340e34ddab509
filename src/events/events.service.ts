import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/kysely.ts';
import type { LiveSessionRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { LoadSession } from '../classroom/session-access.ts';
import type { ReplayShaper } from '../classroom/feature.ts';
import { listEventsAfter, logBounds } from './events.repo.ts';
import type { EventsQuery } from './events.schemas.ts';

export type EventsService = ReturnType<typeof createEventsService>;

/**
 * The session's event log for members: how a client fills a gap longer than a join replay, shaped for the viewer as
 * a join replay is (`shapeReplay`).
 */
export function createEventsService(db: Db, loadSession: LoadSession, shapeReplay?: ReplayShaper) {
  return {
    async list(actor: Actor, sessionId: string, query: EventsQuery) {
      const { session, manages } = await loadSession(actor, sessionId, 'view', 'events.read');
      const rows = await listEventsAfter(db, session.id, query.since, query.limit + 1);
      // Read after the events: retention marks a range before it drops it, so a page read while rows were going
      // sees the mark here and is refused rather than returned with a hole at its start.
      const bounds = await logBounds(db, session.id);
      const expiredThrough = bounds?.expiredThrough ?? 0;
      if (query.since < expiredThrough) throw eventsExpired(session.id, expiredThrough);
      const page = rows.slice(0, query.limit);
      const shaped = shapeReplay ? (await shapeReplay(session.id, manages))(page) : page;
      return {
        events: shaped.map((e) => ({ event: e.event, payload: e.payload })),
        hasMore: rows.length > query.limit,
        lastSeq: bounds?.lastSeq ?? 0,
      };
    },

    /**
     * `requireEventsKept` against the mark as it stands now, for a replay that found rows missing from the log: the
     * mark is set before any row goes, so by now it says whether retention took them.
     */
    async requireKeptNow(sessionId: string, since: number): Promise<void> {
      const expiredThrough = (await logBounds(db, sessionId))?.expiredThrough ?? 0;
      if (since < expiredThrough) throw eventsExpired(sessionId, expiredThrough);
    },
  };
}

/**
 * A replay from `since` would start inside the part of the log retention dropped: refused with EVENTS_EXPIRED, so
 * a client never applies a log with a hole in it. The session, attendance, chat, Q&A and polls are still readable.
 */
export function requireEventsKept(session: Pick<LiveSessionRow, 'id' | 'events_expired_through_seq'>, since: number): void {
  const expiredThrough = Number(session.events_expired_through_seq);
  if (since < expiredThrough) throw eventsExpired(session.id, expiredThrough);
}

function eventsExpired(sessionId: string, expiredThrough: number): AppError {
  return new AppError(
    'EVENTS_EXPIRED',
    `The events of live session ${sessionId} up to seq ${expiredThrough} were deleted after the class ended (EVENT_RETENTION_DAYS); its chat, questions, polls and attendance can still be read`,
  );
}
