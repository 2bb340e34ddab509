import type { Actor } from '../auth/actor.ts';
import type { Db } from '../db/kysely.ts';
import type { LoadSession } from '../classroom/session-access.ts';
import { lastSeq, listEventsAfter } from './events.repo.ts';
import type { EventsQuery } from './events.schemas.ts';

export type EventsService = ReturnType<typeof createEventsService>;

/** The session's event log for members: how a client fills a gap longer than a join replay. */
export function createEventsService(db: Db, loadSession: LoadSession) {
  return {
    async list(actor: Actor, sessionId: string, query: EventsQuery) {
      const { session } = await loadSession(actor, sessionId, 'view', 'events.read');
      const rows = await listEventsAfter(db, session.id, query.since, query.limit + 1);
      const page = rows.slice(0, query.limit);
      return {
        events: page.map((e) => ({ event: e.event, payload: e.payload })),
        hasMore: rows.length > query.limit,
        lastSeq: await lastSeq(db, session.id),
      };
    },
  };
}
