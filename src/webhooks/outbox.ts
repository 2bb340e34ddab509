import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/tables.ts';

/** Every event type an endpoint may subscribe to: the public contract (docs/webhooks.md). */
export const webhookEventTypes = [
  'session.created',
  'session.updated',
  'session.started',
  'session.ended',
  'session.cancelled',
  'attendance.report_ready',
  'poll.closed',
  'question.asked',
  'question.answered',
  'breakout.opened',
  'breakout.closed',
  'grade.published',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

/** What every event's `data` carries: the course it happened in, plus the event's own ids and public objects. */
export type WebhookData = { courseId: string } & Record<string, unknown>;

/** The body sent, Standard Webhooks style; `timestamp` is when the change committed (give or take the commit). */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: WebhookData;
}

/**
 * Writes a webhook event to the outbox inside the change's own transaction `trx`, and one delivery per enabled
 * endpoint subscribed to `type`: if the change rolls back, nothing is sent; once it commits, the worker owes it to
 * each endpoint until delivered. Fan-out happens here, not in the worker, so the endpoints that receive an event are
 * the ones subscribed when it happened (one registered later does not get yesterday's events). Returns the event's
 * stable id (the `webhook-id` header), or undefined when no endpoint wants it (then nothing is written).
 */
export async function enqueueWebhookEvent(trx: Kysely<Database>, type: WebhookEventType, data: WebhookData): Promise<string | undefined> {
  const endpoints = await trx
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('enabled', '=', true)
    .where(sql<boolean>`event_types @> ${JSON.stringify([type])}::jsonb`)
    .execute();
  if (endpoints.length === 0) return undefined;
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const payload: WebhookPayload = { type, timestamp: new Date().toISOString(), data };
  await trx
    .insertInto('webhook_events')
    .values({ id, type, payload: JSON.stringify(payload) })
    .execute();
  await trx
    .insertInto('webhook_deliveries')
    .values(endpoints.map((e) => ({ id: randomUUID(), endpoint_id: e.id, event_id: id })))
    .execute();
  return id;
}
