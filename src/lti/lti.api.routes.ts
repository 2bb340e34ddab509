import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { publicOrigin } from '../http/public-url.ts';
import type { LtiAdminService } from './lti.admin.service.ts';
import type { DeepLinking } from './lti.deep-linking.ts';
import { toolUrls } from './lti.routes.ts';
import {
  deepLinkParams,
  deepLinkResponseBody,
  deepLinkResponseSchema,
  deepLinkSchema,
  keyList,
  keyParams,
  platformList,
  platformParams,
  platformSchema,
  registerPlatformBody,
  registrationLinkSchema,
  rotateKeysBody,
  toolConfigSchema,
} from './lti.schemas.ts';

const tags = ['LTI'];

/** The LTI REST API: platforms, keys and registration links (admins), and Deep Linking answers (the mentor). */
export function ltiApiRoutes(admin: LtiAdminService, deepLinking: DeepLinking, publicUrl: string | undefined): FastifyPluginAsyncZod {
  return async (app) => {
    const origin = (req: FastifyRequest) => publicOrigin({ publicUrl }, req);

    app.get('/api/lti/tool', {
      schema: {
        tags,
        summary: 'The URLs to paste into an LMS (admins)',
        querystring: noQuery,
        response: { 200: toolConfigSchema, ...commonErrors },
      },
      handler: async (req) => {
        await admin.listPlatforms(req.actor);
        const { loginUrl, launchUrl, deepLinkUrl, jwksUrl } = toolUrls(origin(req));
        return { loginUrl, launchUrl, deepLinkUrl, jwksUrl };
      },
    });

    app.get('/api/lti/platforms', {
      schema: {
        tags,
        summary: 'The registered LMS platforms (admins)',
        querystring: noQuery,
        response: { 200: platformList, ...commonErrors },
      },
      handler: async (req) => admin.listPlatforms(req.actor),
    });

    app.post('/api/lti/platforms', {
      schema: {
        tags,
        summary: 'Register an LMS platform by hand (admins)',
        querystring: noQuery,
        body: registerPlatformBody,
        response: { 201: platformSchema, ...commonErrors, 409: errorResponse },
      },
      handler: async (req, reply) => reply.status(201).send(await admin.registerPlatform(req.actor, req.body)),
    });

    app.delete('/api/lti/platforms/:platformId', {
      schema: {
        tags,
        summary: 'Remove a platform: its launches stop; its courses and their data stay (admins)',
        params: platformParams,
        querystring: noQuery,
        response: { 204: z.null().meta({ description: 'Removed' }), ...commonErrors, 404: errorResponse },
      },
      handler: async (req, reply) => {
        await admin.deletePlatform(req.actor, req.params.platformId);
        return reply.code(204).send(null);
      },
    });

    app.post('/api/lti/registration-links', {
      schema: {
        tags,
        summary: 'A one-time LTI Dynamic Registration URL for an LMS admin to paste (admins)',
        querystring: noQuery,
        response: { 201: registrationLinkSchema, ...commonErrors },
      },
      handler: async (req, reply) =>
        reply.status(201).send(await admin.createRegistrationLink(req.actor, toolUrls(origin(req)).registrationUrl)),
    });

    app.get('/api/lti/keys', {
      schema: {
        tags,
        summary: "The tool's published signing keys (admins)",
        querystring: noQuery,
        response: { 200: keyList, ...commonErrors },
      },
      handler: async (req) => admin.listKeys(req.actor),
    });

    app.post('/api/lti/keys/rotate', {
      schema: {
        tags,
        summary: 'Sign with a new key; the previous one stays published for 24 h, or is retired at once (admins)',
        querystring: noQuery,
        body: rotateKeysBody,
        response: { 200: keyList, ...commonErrors },
      },
      handler: async (req) => admin.rotateKeys(req.actor, req.body?.retirePreviousNow ?? false),
    });

    app.post('/api/lti/keys/:kid/retire', {
      schema: {
        tags,
        summary: 'Retire a superseded key now: no longer published or accepted (admins)',
        params: keyParams,
        querystring: noQuery,
        response: { 200: keyList, ...commonErrors, 404: errorResponse },
      },
      handler: async (req) => admin.retireKey(req.actor, req.params.kid),
    });

    app.get('/api/lti/deep-links/:deepLinkId', {
      schema: {
        tags,
        summary: 'An LMS content selection the caller started (Deep Linking)',
        params: deepLinkParams,
        querystring: noQuery,
        response: { 200: deepLinkSchema, ...commonErrors, 404: errorResponse },
      },
      handler: async (req) => deepLinking.get(req.actor, req.params.deepLinkId),
    });

    app.post('/api/lti/deep-links/:deepLinkId/response', {
      schema: {
        tags,
        summary: 'Place classes in the LMS: returns the signed answer to post to the LMS (Deep Linking)',
        params: deepLinkParams,
        querystring: noQuery,
        body: deepLinkResponseBody,
        response: { 200: deepLinkResponseSchema, ...commonErrors, 404: errorResponse },
      },
      handler: async (req) => deepLinking.respond(req.actor, req.params.deepLinkId, req.body.sessionIds, toolUrls(origin(req)).launchUrl),
    });
  };
}
