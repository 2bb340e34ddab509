import { randomUUID } from 'node:crypto';
import type { Kysely, Updateable } from 'kysely';
import { instantKey, instantParam } from '../db/instants.ts';
import type { Database, WebhookEndpointsTable } from '../db/tables.ts';

type Q = Kysely<Database>;

export async function insertEndpoint(
  db: Q,
  row: { id: string; url: string; description: string; eventTypes: string[]; enabled: boolean; secret: string; createdBy: string },
) {
  return db
    .insertInto('webhook_endpoints')
    .values({
      id: row.id,
      url: row.url,
      description: row.description,
      event_types: JSON.stringify(row.eventTypes) as unknown as string[],
      enabled: row.enabled,
      secret: row.secret,
      created_by: row.createdBy,
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listEndpoints(db: Q) {
  return db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function findEndpoint(db: Q, id: string) {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The endpoint, locked against a concurrent delete or disable until the transaction ends. */
export async function findEndpointForShare(db: Q, id: string) {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).forShare().executeTakeFirst();
}

export async function updateEndpoint(db: Q, id: string, changes: Updateable<WebhookEndpointsTable>) {
  const set = { ...changes, updated_at: new Date() };
  if (changes.event_types) set.event_types = JSON.stringify(changes.event_types) as unknown as string[];
  return db.updateTable('webhook_endpoints').set(set).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function deleteEndpoint(db: Q, id: string): Promise<boolean> {
  const res = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** A re-enabled endpoint's owed deliveries are due now, not at the end of a long backoff. */
export async function duePendingNow(db: Q, endpointId: string, now: Date): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: now })
    .where('endpoint_id', '=', endpointId)
    .where('state', '=', 'pending')
    .execute();
}

/**
 * One page of an endpoint's delivery log, newest first, after the (created_at, id) cursor. The cursor's instant is the
 * exact microsecond (`created_key`): the deliveries of one transaction share `now()`, and a millisecond would skip some.
 */
export async function listDeliveries(db: Q, endpointId: string, limit: number, before?: { at: string; id: string }) {
  let q = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type')
    .select(instantKey('d.created_at').as('created_key'))
    .where('d.endpoint_id', '=', endpointId);
  if (before) {
    const at = instantParam(before.at);
    q = q.where((eb) => eb.or([eb('d.created_at', '<', at), eb.and([eb('d.created_at', '=', at), eb('d.id', '<', before.id)])]));
  }
  return q.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(limit).execute();
}

export async function findDelivery(db: Q, endpointId: string, deliveryId: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type')
    .where('d.endpoint_id', '=', endpointId)
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
}

/** A new delivery of the same event (the same webhook-id) to the same endpoint, due now; the old one stays in the log. */
export async function insertRedelivery(db: Q, endpointId: string, eventId: string) {
  return db
    .insertInto('webhook_deliveries')
    .values({ id: randomUUID(), endpoint_id: endpointId, event_id: eventId })
    .returningAll()
    .executeTakeFirstOrThrow();
}
