import type { Transaction } from 'kysely';
import type { AuditService } from '../audit/audit.service.ts';
import type { BatchObserver } from '../db/batcher.ts';
import type { Db } from '../db/kysely.ts';
import type { Database } from '../db/tables.ts';
import { appendEvents, type EventDraft, type StoredEvent } from '../events/events.repo.ts';
import type { LoadSession } from './session-access.ts';
import type { ActionLimits } from './action-limits.ts';
import type { Log } from '../background.ts';

/** What every in-class service (chat, Q&A, polls, presence, lifecycle) is built from. */
export interface ClassDeps {
  db: Db;
  audit: AuditService;
  loadSession: LoadSession;
  /** The broadcast port: hands committed events to the session's room, in seq order. */
  publish: (sessionId: string, events: StoredEvent[]) => void;
  limits: ActionLimits;
  /** The app's logger, for work nobody awaits (coalesced broadcasts, presence): its failures are logged here. */
  log: Log;
  /** The metrics' view of a named group-commit batcher (absent in tests that build deps by hand). */
  observeBatches?: (batcher: string) => BatchObserver;
}

/**
 * The one way a class changes: `work` writes rows and names the events that describe the change; they are appended
 * to the session's log in the same transaction, and published only after it commits. Nothing is broadcast that was
 * not committed, and the caller acknowledges only what is in the log.
 */
export async function recordChange<R>(
  deps: Pick<ClassDeps, 'db' | 'publish'>,
  sessionId: string,
  work: (trx: Transaction<Database>) => Promise<{ result: R; events: EventDraft[] }>,
): Promise<{ result: R; events: StoredEvent[] }> {
  const out = await deps.db.transaction().execute(async (trx) => {
    const { result, events } = await work(trx);
    return { result, events: await appendEvents(trx, sessionId, events) };
  });
  deps.publish(sessionId, out.events);
  return out;
}

/** The seq of a change's (first) event, which acks carry so a client can match them to the broadcast. */
export function seqOf(events: StoredEvent[]): number {
  const event = events[0];
  if (!event) throw new Error('The change recorded no event');
  return event.seq;
}
