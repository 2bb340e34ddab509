import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { AppError } from '../errors.ts';
import { commonErrors, errorResponse, noQuery } from '../http/common.schemas.ts';
import { publicOrigin } from '../http/public-url.ts';
import type { DeepLinking } from './lti.deep-linking.ts';
import type { LtiDeps } from './lti.deps.ts';
import { publishedJwks } from './lti.keys.ts';
import { completeLaunch } from './lti.launch.ts';
import { bindingCookieName, LOGIN_STATE_TTL_MS, loginParams, startLogin } from './lti.login.ts';
import { deepLinkReturnPage, errorPage, launchWithStoragePage, loginWithStoragePage, redirectPage } from './lti.pages.ts';
import { findLoginState, findPlatform } from './lti.repo.ts';
import { deepLinkParams, deepLinkResponseBody, launchCompletionBody, launchResult } from './lti.schemas.ts';
import { registrationRoute } from './lti.registration.ts';

/** The tool's browser-facing URLs, under the public origin. */
export const toolUrls = (origin: string) => ({
  loginUrl: `${origin}/lti/login`,
  launchUrl: `${origin}/lti/launch`,
  deepLinkUrl: `${origin}/lti/launch`,
  jwksUrl: `${origin}/.well-known/jwks.json`,
  registrationUrl: `${origin}/lti/register`,
});

/** The storage key of a login's browser secret in the platform's postMessage storage. */
const storageKey = (state: string) => `spl-lti-${state}`;

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** A refusal on a browser page: the error in words and its code, with its HTTP status. */
function failPage(reply: FastifyReply, err: unknown) {
  if (!(err instanceof AppError)) throw err;
  return errorPage(reply, err.status, err.code, err.message);
}

const formOrQuery = (request: FastifyRequest) =>
  (request.method === 'POST' ? request.body : request.query) as Record<string, unknown> | undefined;

/**
 * LTI 1.3 as the LMS and the browser meet it: the tool's JWKS, OIDC login initiation, the launch (form_post) and its
 * postMessage-storage completion, and Dynamic Registration. Pages, not JSON, where a person is looking.
 */
export function ltiRoutes(deps: LtiDeps, deepLinking: DeepLinking): FastifyPluginAsyncZod {
  return async (app) => {
    // The LMS posts forms (login initiation, the launch); only these routes take them.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    const origin = (request: FastifyRequest) => publicOrigin({ publicUrl: deps.publicUrl }, request);

    app.get('/.well-known/jwks.json', {
      schema: { tags: ['LTI'], summary: "The tool's public signing keys (JWKS)", querystring: noQuery },
      handler: async (_req, reply) => reply.header('cache-control', 'public, max-age=300').send(await publishedJwks(deps.db)),
    });

    const login = async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const parsed = loginParams.safeParse(formOrQuery(request) ?? {});
        if (!parsed.success) {
          const field = parsed.error.issues[0]?.path.join('.') ?? '?';
          throw new AppError('LTI_LAUNCH_REFUSED', `The login initiation's ${field} parameter is missing or invalid`);
        }
        const started = await startLogin(deps.db, parsed.data, toolUrls(origin(request)).launchUrl);
        // Both ways at once: a browser that blocks the cookie may still have the platform's storage, and the reverse.
        reply.header(
          'set-cookie',
          `${bindingCookieName(started.state)}=${started.secret}; Path=/lti/; Max-Age=${LOGIN_STATE_TTL_MS / 1000}; HttpOnly; Secure; SameSite=None; Partitioned`,
        );
        if (!started.storageTarget) return reply.header('cache-control', 'no-store').redirect(started.authUrl, 302);
        return loginWithStoragePage(reply, {
          authUrl: started.authUrl,
          storageTarget: started.storageTarget,
          platformOrigin: new URL(started.platform.auth_login_url).origin,
          key: storageKey(started.state),
          value: started.secret,
        });
      } catch (err) {
        if (err instanceof AppError && err.status < 500) {
          const details = { code: err.code, reason: err.message };
          await insertAuditEntry(deps.db, auditEntry(null, 'lti.login', { type: 'lti_platform', id: null }, 'denied', details, request.ip));
        }
        return failPage(reply, err);
      }
    };
    app.get('/lti/login', { schema: { tags: ['LTI'], summary: 'OIDC third-party login initiation (GET)', hide: true } }, login);
    app.post('/lti/login', { schema: { tags: ['LTI'], summary: 'OIDC third-party login initiation (POST)', hide: true } }, login);

    app.post(
      '/lti/launch',
      { schema: { tags: ['LTI'], summary: 'The launch (id_token, form_post)', hide: true } },
      async (request, reply) => {
        const form = (request.body ?? {}) as Record<string, string | undefined>;
        try {
          if (form.error) throw new AppError('LTI_LAUNCH_REFUSED', `The LMS refused the sign-in: ${form.error_description ?? form.error}`);
          if (!form.id_token || !form.state) throw new AppError('LTI_LAUNCH_REFUSED', 'The launch carries no id_token or no state');
          const secret = cookie(request, bindingCookieName(form.state));
          reply.header(
            'set-cookie',
            `${bindingCookieName(form.state)}=; Path=/lti/; Max-Age=0; HttpOnly; Secure; SameSite=None; Partitioned`,
          );
          const state = secret === undefined ? await findLoginState(deps.db, form.state) : undefined;
          const platform = state?.storage_target ? await findPlatform(deps.db, state.platform_id) : undefined;
          if (state?.storage_target && platform) {
            // No cookie came back (a third-party iframe): the secret is in the platform's storage, which only a page can read.
            return launchWithStoragePage(reply, {
              idToken: form.id_token,
              state: form.state,
              storageTarget: state.storage_target,
              platformOrigin: new URL(platform.auth_login_url).origin,
              key: storageKey(form.state),
              completeUrl: '/api/lti/launch',
            });
          }
          const launched = await completeLaunch(deps, {
            idToken: form.id_token,
            state: form.state,
            secret,
            origin: origin(request),
            ip: request.ip,
          });
          return redirectPage(reply, launched.redirect);
        } catch (err) {
          return failPage(reply, err);
        }
      },
    );

    app.post('/api/lti/launch', {
      config: { public: true },
      schema: {
        tags: ['LTI'],
        summary: "Completes a launch whose browser secret was kept in the platform's storage (the launch page calls it)",
        querystring: noQuery,
        body: launchCompletionBody,
        response: { 200: launchResult, ...commonErrors, 502: errorResponse },
      },
      handler: async (request) => {
        const { id_token, state, secret } = request.body;
        const launched = await completeLaunch(deps, { idToken: id_token, state, secret, origin: origin(request), ip: request.ip });
        return { redirect: launched.redirect };
      },
    });

    app.post(
      '/lti/deep-links/:deepLinkId/return',
      { schema: { tags: ['LTI'], summary: "Deep Linking: post the mentor's choice back to the LMS", hide: true } },
      async (request, reply) => {
        const form = (request.body ?? {}) as Record<string, string | undefined>;
        const { deepLinkId } = request.params as { deepLinkId: string };
        try {
          // The token travels in the form body (a same-origin form post), never in a URL.
          const claims = await deps.verifyToken(form.token ?? '');
          const actor = { id: claims.sub, name: claims.name, role: claims.role, email: claims.email ?? null, ip: request.ip };
          const sessionIds = (form.sessionIds ?? '').split(',').filter(Boolean);
          const parsed = deepLinkParams.safeParse({ deepLinkId });
          const body = deepLinkResponseBody.safeParse({ sessionIds });
          if (!parsed.success || !body.success) throw new AppError('VALIDATION_FAILED', 'Pick between 1 and 50 classes');
          const answer = await deepLinking.respond(actor, deepLinkId, body.data.sessionIds, toolUrls(origin(request)).launchUrl);
          return deepLinkReturnPage(reply, answer);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          return errorPage(reply, err.status, err.code, err.message, 'The classes could not be placed in the LMS');
        }
      },
    );

    await app.register(registrationRoute(deps, (request) => toolUrls(origin(request))));
  };
}
