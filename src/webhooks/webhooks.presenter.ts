import type { WebhookDeliveryRow, WebhookEndpointRow } from '../db/tables.ts';
import type { DeliveryDto, WebhookDto } from './webhooks.schemas.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** An endpoint as admins see it: never its secret (shown once, at creation and rotation). */
export function toWebhookDto(row: WebhookEndpointRow): WebhookDto {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types as WebhookDto['eventTypes'],
    enabled: row.enabled,
    failingSince: iso(row.failing_since),
    disabledAt: iso(row.disabled_at),
    disabledReason: row.disabled_reason,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** One line of an endpoint's delivery log. */
export function toDeliveryDto(row: WebhookDeliveryRow & { type: string }): DeliveryDto {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.type,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.state === 'pending' ? iso(row.next_attempt_at) : null,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatus: row.last_status,
    lastError: row.last_error,
    deliveredAt: iso(row.delivered_at),
    createdAt: new Date(row.created_at).toISOString(),
  };
}
