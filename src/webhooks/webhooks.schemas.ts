import { z } from 'zod';
import { pageQuery, text, uuid } from '../http/common.schemas.ts';
import { webhookEventTypes } from './outbox.ts';

export const webhookParams = z.strictObject({ webhookId: uuid });
export const deliveryParams = z.strictObject({ webhookId: uuid, deliveryId: uuid });
export const deliveriesQuery = z.strictObject(pageQuery);

const eventTypes = z
  .array(z.enum(webhookEventTypes))
  .min(1)
  .max(webhookEventTypes.length)
  .refine((types) => new Set(types).size === types.length, 'must not repeat an event type')
  .meta({ description: `The event types sent to this endpoint: ${webhookEventTypes.join(', ')}.` });

const url = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .meta({ description: 'Where events are POSTed: http(s), no credentials; private and loopback addresses are refused.' });

export const createWebhookBody = z.strictObject({
  url,
  eventTypes,
  description: text(0, 200).default('').meta({ description: 'A note for admins (0–200 characters).' }),
  enabled: z.boolean().default(true).meta({ description: 'Whether events are sent (default true).' }),
});
export type CreateWebhookBody = z.infer<typeof createWebhookBody>;

export const updateWebhookBody = z
  .strictObject({
    url: url.optional(),
    eventTypes: eventTypes.optional(),
    description: text(0, 200).optional(),
    enabled: z.boolean().optional().meta({ description: 'true re-enables a disabled endpoint: its owed deliveries are due at once.' }),
  })
  .refine((b) => Object.keys(b).length > 0, 'must change at least one field');
export type UpdateWebhookBody = z.infer<typeof updateWebhookBody>;

export const webhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.enum(webhookEventTypes)),
    enabled: z.boolean(),
    failingSince: z.string().nullable().meta({ description: 'Since when every attempt has failed; null after a success.' }),
    disabledAt: z.string().nullable().meta({ description: 'When the service disabled it after a day of failures (else null).' }),
    disabledReason: z.string().nullable().meta({ description: 'Why it was disabled, with the last error (else null).' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Webhook' });
export type WebhookDto = z.infer<typeof webhookSchema>;

export const webhookWithSecret = webhookSchema
  .extend({ secret: z.string().meta({ description: 'The signing secret (`whsec_…`): shown only here, keep it.' }) })
  .meta({ id: 'WebhookWithSecret' });

export const webhookList = z.object({ items: z.array(webhookSchema) });

export const deliverySchema = z
  .object({
    id: z.uuid(),
    eventId: z.string().meta({ description: 'The `webhook-id` header: the same for every attempt and redelivery.' }),
    eventType: z.string(),
    state: z.enum(['pending', 'delivered']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable().meta({ description: 'When a pending delivery is tried next (null once delivered).' }),
    lastAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable().meta({ description: "The receiver's last HTTP status (null: no answer)." }),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });
export type DeliveryDto = z.infer<typeof deliverySchema>;

export const deliveryPage = z.object({ items: z.array(deliverySchema), nextCursor: z.string().nullable() });
