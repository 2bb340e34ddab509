import { randomUUID } from 'node:crypto';
import { type Kysely, type RawBuilder, sql } from 'kysely';
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
 * The endpoints an event of `type` is owed to: enabled ones subscribed to it, and those the service disabled after a
 * day of failures (`disabled_at` set), so nothing is lost for them while their receiver is down. One an admin
 * disabled (`enabled` false, no `disabled_at`) is owed nothing while it stays off.
 */
const owedTo = (type: WebhookEventType) =>
  sql<boolean>`(ep.enabled OR ep.disabled_at IS NOT NULL) AND ep.event_types @> ${JSON.stringify([type])}::jsonb`;

/**
 * One statement, so a change with no endpoint to tell costs one cheap query inside its (locked) transaction: the
 * event is written only when some endpoint is owed it, with one delivery per such endpoint. FOR KEY SHARE makes an
 * endpoint deleted meanwhile simply not receive it, rather than fail the change with a foreign-key violation.
 */
async function insertOwed(trx: Kysely<Database>, type: WebhookEventType, payload: RawBuilder<unknown>): Promise<string | undefined> {
  const id = `msg_${randomUUID().replaceAll('-', '')}`;
  const { rows } = await sql<{ event_id: string }>`
    WITH event AS (
      INSERT INTO webhook_events (id, type, payload)
      SELECT ${id}, ${type}, ${payload}
      WHERE EXISTS (SELECT 1 FROM webhook_endpoints ep WHERE ${owedTo(type)})
      RETURNING id
    )
    INSERT INTO webhook_deliveries (id, endpoint_id, event_id)
    SELECT gen_random_uuid(), ep.id, event.id FROM event, webhook_endpoints ep WHERE ${owedTo(type)}
    FOR KEY SHARE OF ep
    RETURNING event_id
  `.execute(trx);
  return rows[0]?.event_id;
}

const envelope = (type: WebhookEventType) => ({ type, timestamp: new Date().toISOString() });

/**
 * Writes a webhook event to the outbox inside the change's own transaction `trx`, and one delivery per endpoint owed
 * it (see `owedTo`): if the change rolls back, nothing is sent; once it commits, the worker owes it to each endpoint
 * until delivered. Fan-out happens here, not in the worker, so the endpoints that receive an event are the ones
 * subscribed when it happened (one registered later does not get yesterday's events). Returns the event's stable id
 * (the `webhook-id` header), or undefined when no endpoint wants it (then nothing is written).
 */
export async function enqueueWebhookEvent(trx: Kysely<Database>, type: WebhookEventType, data: WebhookData): Promise<string | undefined> {
  const payload: WebhookPayload = { ...envelope(type), data };
  return insertOwed(trx, type, sql`${JSON.stringify(payload)}::jsonb`);
}

/**
 * As enqueueWebhookEvent, for an event of session `sessionId` whose course the database fills in (`data` gets
 * `courseId` and `sessionId`): a caller without the session row spends no query on reading it.
 */
export async function enqueueSessionWebhookEvent(
  trx: Kysely<Database>,
  type: WebhookEventType,
  sessionId: string,
  data: Record<string, unknown>,
): Promise<string | undefined> {
  const payload = sql`jsonb_build_object('data', jsonb_build_object('courseId', s.course_id, 'sessionId', s.id) || ${JSON.stringify(data)}::jsonb)
    || ${JSON.stringify(envelope(type))}::jsonb`;
  return insertOwed(trx, type, sql`(SELECT ${payload} FROM live_sessions s WHERE s.id = ${sessionId})`);
}
