import { randomBytes, randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import { isAdmin } from '../auth/policies.ts';
import type { AuditAction } from '../audit/audit.actions.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import { INSTANT_KEY } from '../db/instants.ts';
import type { Db } from '../db/kysely.ts';
import type { WebhookEndpointsTable } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { decodeCursor, toPage } from '../http/cursor.ts';
import type { Updateable } from 'kysely';
import { refusedUrl } from './address-guard.ts';
import { toDeliveryDto, toWebhookDto } from './webhooks.presenter.ts';
import * as repo from './webhooks.repo.ts';
import type { CreateWebhookBody, UpdateWebhookBody } from './webhooks.schemas.ts';

export type WebhooksService = ReturnType<typeof createWebhooksService>;

const target = (id: string | null) => ({ type: 'webhook', id });

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

const notFound = (id: string) => new AppError('WEBHOOK_NOT_FOUND', `Webhook ${id} was not found`);

interface Options {
  allowPrivateNetworks: boolean;
  /** Wakes this node's worker (a redelivery or a re-enabled endpoint is due now). */
  kick: () => void;
}

/** Webhook endpoints, their delivery logs and redelivery: admins only, every change audited. */
export function createWebhooksService(db: Db, audit: AuditService, { allowPrivateNetworks, kick }: Options) {
  async function requireAdmin(actor: Actor, action: AuditAction, id: string | null = null) {
    if (isAdmin(actor)) return;
    throw await audit.deny(actor, action, target(id), new AppError('FORBIDDEN', 'Only admins manage webhooks'));
  }

  async function requireUrl(actor: Actor, action: AuditAction, id: string | null, url: string) {
    const refused = refusedUrl(url, allowPrivateNetworks);
    if (!refused) return;
    const error = new AppError('WEBHOOK_URL_REFUSED', `The webhook URL ${refused}`, [{ field: 'body.url', message: refused }]);
    throw await audit.deny(actor, action, target(id), error);
  }

  async function endpointOf(id: string) {
    const row = await repo.findEndpoint(db, id);
    if (!row) throw notFound(id);
    return row;
  }

  return {
    /** Registers an endpoint; the answer carries its secret, which is never shown again. */
    async create(actor: Actor, body: CreateWebhookBody) {
      await requireAdmin(actor, 'webhook.create');
      await requireUrl(actor, 'webhook.create', null, body.url);
      const row = await db.transaction().execute(async (trx) => {
        const created = await repo.insertEndpoint(trx, { id: randomUUID(), ...body, secret: newSecret(), createdBy: actor.id });
        const details = { url: created.url, eventTypes: body.eventTypes, enabled: created.enabled };
        await insertAuditEntry(trx, auditEntry(actor, 'webhook.create', target(created.id), 'success', details));
        return created;
      });
      return { ...toWebhookDto(row), secret: row.secret };
    },

    /** Every endpoint, a disabled one with why and when (how admins learn the service gave up on it). */
    async list(actor: Actor) {
      await requireAdmin(actor, 'webhook.read');
      return { items: (await repo.listEndpoints(db)).map(toWebhookDto) };
    },

    async get(actor: Actor, id: string) {
      await requireAdmin(actor, 'webhook.read', id);
      return toWebhookDto(await endpointOf(id));
    },

    /** Changes fields; `enabled: true` on a disabled endpoint clears its failure state and makes owed deliveries due. */
    async update(actor: Actor, id: string, body: UpdateWebhookBody) {
      await requireAdmin(actor, 'webhook.update', id);
      if (body.url !== undefined) await requireUrl(actor, 'webhook.update', id, body.url);
      const changes: Updateable<WebhookEndpointsTable> = {};
      if (body.url !== undefined) changes.url = body.url;
      if (body.eventTypes !== undefined) changes.event_types = body.eventTypes;
      if (body.description !== undefined) changes.description = body.description;
      if (body.enabled !== undefined) changes.enabled = body.enabled;
      // Re-enabled: a fresh start. Disabled by an admin: no longer "disabled by the service", so nothing more is owed
      // to it while it is off (what was owed already is kept, and due when it is re-enabled).
      if (body.enabled !== undefined) Object.assign(changes, { disabled_at: null, disabled_reason: null, failing_since: null });
      const row = await db.transaction().execute(async (trx) => {
        const updated = await repo.updateEndpoint(trx, id, changes);
        if (!updated) throw notFound(id);
        if (body.enabled === true) await repo.duePendingNow(trx, id, new Date());
        await insertAuditEntry(trx, auditEntry(actor, 'webhook.update', target(id), 'success', { fields: Object.keys(body) }));
        return updated;
      });
      if (body.enabled === true) kick();
      return toWebhookDto(row);
    },

    /** Deletes the endpoint and its delivery log (owed deliveries are dropped with it). */
    async remove(actor: Actor, id: string) {
      await requireAdmin(actor, 'webhook.delete', id);
      await db.transaction().execute(async (trx) => {
        if (!(await repo.deleteEndpoint(trx, id))) throw notFound(id);
        await insertAuditEntry(trx, auditEntry(actor, 'webhook.delete', target(id), 'success'));
      });
    },

    /** A new secret, in force for the next attempt; the answer is the only time it is shown. */
    async rotateSecret(actor: Actor, id: string) {
      await requireAdmin(actor, 'webhook.rotate_secret', id);
      const row = await db.transaction().execute(async (trx) => {
        const updated = await repo.updateEndpoint(trx, id, { secret: newSecret() });
        if (!updated) throw notFound(id);
        await insertAuditEntry(trx, auditEntry(actor, 'webhook.rotate_secret', target(id), 'success'));
        return updated;
      });
      return { ...toWebhookDto(row), secret: row.secret };
    },

    /** The endpoint's delivery log, newest first, paged. */
    async deliveries(actor: Actor, id: string, query: { cursor?: string; limit: number }) {
      await requireAdmin(actor, 'webhook.read', id);
      await endpointOf(id);
      const before = query.cursor ? decodeCursor(query.cursor, acceptCursor) : undefined;
      const rows = await repo.listDeliveries(db, id, query.limit + 1, before);
      return toPage(rows, query.limit, toDeliveryDto, (r) => ({ at: r.created_key, id: r.id }));
    },

    /**
     * Sends the delivery's event again, with the same webhook-id, as a new delivery (the old one stays in the log).
     * Refused for a disabled endpoint (409): nothing would be sent until it is re-enabled.
     */
    async redeliver(actor: Actor, id: string, deliveryId: string) {
      await requireAdmin(actor, 'webhook.redeliver', id);
      const row = await db.transaction().execute(async (trx) => {
        const endpoint = await repo.findEndpointForShare(trx, id);
        if (!endpoint) throw notFound(id);
        if (!endpoint.enabled)
          throw new AppError('WEBHOOK_DISABLED', `Webhook ${id} is disabled: re-enable it (PATCH enabled: true) first`);
        const original = await repo.findDelivery(trx, id, deliveryId);
        if (!original) throw new AppError('WEBHOOK_DELIVERY_NOT_FOUND', `Delivery ${deliveryId} was not found for webhook ${id}`);
        const created = await repo.insertRedelivery(trx, id, original.event_id);
        const details = { deliveryId, eventId: original.event_id, redeliveryId: created.id };
        await insertAuditEntry(trx, auditEntry(actor, 'webhook.redeliver', target(id), 'success', details));
        return { ...created, type: original.type };
      });
      kick();
      return toDeliveryDto(row);
    },
  };
}

/** Accepts only the cursors we issue: an exact UTC instant (microseconds) and a delivery id. */
function acceptCursor(v: unknown): { at: string; id: string } | null {
  if (typeof v !== 'object' || v === null) return null;
  const { at, id } = v as Record<string, unknown>;
  if (typeof at !== 'string' || !INSTANT_KEY.test(at) || Number.isNaN(Date.parse(at)) || typeof id !== 'string') return null;
  return /^[0-9a-f-]{36}$/.test(id) ? { at, id } : null;
}
