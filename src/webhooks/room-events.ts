import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.ts';
import type { StoredEvent } from '../events/events.repo.ts';
import { enqueueSessionWebhookEvent, type WebhookEventType } from './outbox.ts';

/**
 * Class events that other systems hear of, by the room event that already describes them. Hooking the session's log
 * (not each feature's code) catches every path that closes a poll: a mentor, its timer, the class ending.
 */
const FROM_ROOM_EVENT: Partial<Record<StoredEvent['event'], WebhookEventType>> = {
  'poll:closed': 'poll.closed',
  // Sent when a question becomes visible to the class: asked without review, or approved.
  'qa:question': 'question.asked',
  'breakout:opened': 'breakout.opened',
  'breakout:closed': 'breakout.closed',
};

/**
 * Enqueues the webhook events that `events`, just appended to the session's log in `trx`, stand for. Their `data` is
 * the room event's own payload (the public objects everyone in the class sees: a poll with its results, a question
 * without an anonymous asker's name, a round) with the course and session ids. Costs nothing for chat and votes, and
 * one cheap statement per such event when no endpoint wants it.
 */
export async function enqueueRoomWebhooks(trx: Kysely<Database>, sessionId: string, events: StoredEvent[]): Promise<void> {
  const wanted = events.filter((e) => FROM_ROOM_EVENT[e.event]);
  if (wanted.length === 0) return;
  for (const e of wanted) {
    const { seq: _seq, ...payload } = e.payload as { seq: number } & Record<string, unknown>;
    await enqueueSessionWebhookEvent(trx, FROM_ROOM_EVENT[e.event] as WebhookEventType, sessionId, payload);
  }
}
