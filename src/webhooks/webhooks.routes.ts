import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import {
  createWebhookBody,
  deliveriesQuery,
  deliveryPage,
  deliveryParams,
  deliverySchema,
  updateWebhookBody,
  webhookList,
  webhookParams,
  webhookSchema,
  webhookWithSecret,
} from './webhooks.schemas.ts';
import type { WebhooksService } from './webhooks.service.ts';

const tags = ['Webhooks'];

/** Webhook endpoints (admins): register, read, change, delete, rotate the secret, read deliveries, redeliver. */
export function webhooksRoutes(webhooks: WebhooksService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/api/webhooks', {
      schema: {
        tags,
        summary: 'Register a webhook endpoint; the answer shows its signing secret once (admins)',
        querystring: noQuery,
        body: createWebhookBody,
        response: { 201: webhookWithSecret, ...commonErrors, 422: errorResponse },
      },
      handler: async (req, reply) => reply.code(201).send(await webhooks.create(req.actor, req.body)),
    });

    app.get('/api/webhooks', {
      schema: {
        tags,
        summary: 'Every webhook endpoint, disabled ones with why and when (admins)',
        querystring: noQuery,
        response: { 200: webhookList, ...commonErrors },
      },
      handler: async (req) => webhooks.list(req.actor),
    });

    app.get('/api/webhooks/:webhookId', {
      schema: {
        tags,
        summary: 'One webhook endpoint (admins)',
        params: webhookParams,
        querystring: noQuery,
        response: { 200: webhookSchema, ...commonErrors, 404: errorResponse },
      },
      handler: async (req) => webhooks.get(req.actor, req.params.webhookId),
    });

    app.patch('/api/webhooks/:webhookId', {
      schema: {
        tags,
        summary: 'Change a webhook endpoint; `enabled: true` re-enables a disabled one (admins)',
        params: webhookParams,
        querystring: noQuery,
        body: updateWebhookBody,
        response: { 200: webhookSchema, ...commonErrors, 404: errorResponse, 422: errorResponse },
      },
      handler: async (req) => webhooks.update(req.actor, req.params.webhookId, req.body),
    });

    app.delete('/api/webhooks/:webhookId', {
      schema: {
        tags,
        summary: 'Delete a webhook endpoint and its delivery log (admins)',
        params: webhookParams,
        querystring: noQuery,
        response: { 204: z.null(), ...commonErrors, 404: errorResponse },
      },
      handler: async (req, reply) => {
        await webhooks.remove(req.actor, req.params.webhookId);
        return reply.code(204).send(null);
      },
    });

    app.post('/api/webhooks/:webhookId/rotate-secret', {
      schema: {
        tags,
        summary: 'Replace the signing secret; the answer shows the new one once (admins)',
        params: webhookParams,
        querystring: noQuery,
        response: { 200: webhookWithSecret, ...commonErrors, 404: errorResponse },
      },
      handler: async (req) => webhooks.rotateSecret(req.actor, req.params.webhookId),
    });

    app.get('/api/webhooks/:webhookId/deliveries', {
      schema: {
        tags,
        summary: "The endpoint's delivery log, newest first (admins)",
        params: webhookParams,
        querystring: deliveriesQuery,
        response: { 200: deliveryPage, ...commonErrors, 404: errorResponse },
      },
      handler: async (req) => webhooks.deliveries(req.actor, req.params.webhookId, req.query),
    });

    app.post('/api/webhooks/:webhookId/deliveries/:deliveryId/redeliver', {
      schema: {
        tags,
        summary: "Send a delivery's event again, with the same webhook-id (admins)",
        params: deliveryParams,
        querystring: noQuery,
        response: { 202: deliverySchema, ...commonErrors, 404: errorResponse, 409: errorResponse },
      },
      handler: async (req, reply) => reply.code(202).send(await webhooks.redeliver(req.actor, req.params.webhookId, req.params.deliveryId)),
    });
  };
}
