import { createAccessCache } from '../classroom/access-cache.ts';
import type { ReplayShape } from '../classroom/feature.ts';
import type { Db } from '../db/kysely.ts';
import type { RoomEvent } from '../realtime/protocol.ts';
import type { QuestionRow } from './qa.repo.ts';
import { listHiddenQuestions } from './qa.repo.ts';
import type { RemovedReason } from './qa.schemas.ts';

/**
 * Whether a viewer may see a question at all: managers every one; anyone else open, answered and dismissed ones (a
 * dismissed one only to be told it is closed), and their own waiting for review. Anything else is "not found".
 */
export function mayViewQuestion(question: Pick<QuestionRow, 'status' | 'asked_by'>, viewerId: string, manages: boolean): boolean {
  if (manages) return true;
  if (question.status === 'pending') return question.asked_by === viewerId;
  return question.status !== 'rejected';
}

/**
 * Shapes the event log a non-manager replays (join replay, GET …/events): a question that has since been dismissed
 * or rejected is replayed as `qa:removed` at the seq of each event that showed it, so its text never reaches a
 * student again, and the log keeps every seq. The session's hidden questions are read once per TTL (a reconnect
 * storm reads them a few times), and a removal inside the replay itself counts too, so one that raced the read is
 * still covered.
 */
export function createReplayShaper(db: Db) {
  const hidden = createAccessCache<Map<string, RemovedReason>>();
  return {
    /** A question was dismissed or rejected: the next replay reads the session's hidden questions again. */
    invalidate(sessionId: string): void {
      hidden.invalidate(sessionId);
    },
    async prepare(sessionId: string, manages: boolean): Promise<ReplayShape> {
      if (manages) return (events) => events;
      const known = await hidden.get(sessionId, () => listHiddenQuestions(db, sessionId));
      return (events) => hideRemovedQuestions(events, known);
    },
  };
}

export function hideRemovedQuestions<E extends RoomEvent>(events: E[], known: ReadonlyMap<string, RemovedReason>): (E | RoomEvent)[] {
  let gone = known;
  for (const e of events) {
    if (e.event !== 'qa:removed') continue;
    if (gone === known) gone = new Map(known);
    (gone as Map<string, RemovedReason>).set(e.payload.qaId, e.payload.reason);
  }
  if (gone.size === 0) return events;
  return events.map((e) => {
    if (e.event !== 'qa:question' && e.event !== 'qa:updated') return e;
    const reason = gone.get(e.payload.question.id);
    return reason ? { event: 'qa:removed', payload: { seq: e.payload.seq, qaId: e.payload.question.id, reason } } : e;
  });
}
