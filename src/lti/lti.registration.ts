import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { AppError } from '../errors.ts';
import type { LtiDeps } from './lti.deps.ts';
import { platformSlug } from './lti.ids.ts';
import { randomToken, sha256 } from './lti.login.ts';
import { errorPage, registrationDonePage } from './lti.pages.ts';
import { insertPlatform } from './lti.repo.ts';

/** How long a Dynamic Registration link an admin made stays usable. */
export const REGISTRATION_LINK_TTL_MS = 7 * 86_400_000;

/** The scopes the tool asks for: names and roles (NRPS) and grades (AGS). */
export const TOOL_SCOPES = [
  'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/score',
];

/** Creates a one-time registration link; only its hash is stored. */
export async function createRegistrationLink(deps: LtiDeps, createdBy: string, registrationUrl: string) {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + REGISTRATION_LINK_TTL_MS);
  await deps.db
    .insertInto('lti_registration_links')
    .values({ token_hash: sha256(token), created_by: createdBy, expires_at: expiresAt })
    .execute();
  return { url: `${registrationUrl}?link=${token}`, expiresAt };
}

const url = z.url({ protocol: /^https?$/ }).max(2000);
/** The platform's OpenID configuration: what we need of it (spec: LTI Dynamic Registration §3.4). */
const openIdConfiguration = z.looseObject({
  issuer: url,
  authorization_endpoint: url,
  token_endpoint: url,
  jwks_uri: url,
  registration_endpoint: url,
  'https://purl.imsglobal.org/spec/lti-platform-configuration': z
    .looseObject({ product_family_code: z.string().max(200).optional() })
    .optional(),
});
const registrationResponse = z.looseObject({
  client_id: z.string().min(1).max(500),
  'https://purl.imsglobal.org/spec/lti-tool-configuration': z
    .looseObject({ deployment_id: z.string().min(1).max(255).optional() })
    .optional(),
});

const registrationQuery = z.looseObject({
  link: z.string().min(1).max(200),
  openid_configuration: url,
  registration_token: z.string().max(4000).optional(),
});

const unusable = (what: string) => new AppError('LTI_PLATFORM_UNREACHABLE', what);

async function fetchJson(deps: LtiDeps, target: string, init: RequestInit, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(target, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch {
    throw unusable(`The platform's ${what} could not be reached`);
  }
  if (!res.ok) throw new AppError('LTI_REGISTRATION_INVALID', `The platform's ${what} answered HTTP ${res.status}`);
  try {
    return await res.json();
  } catch {
    throw unusable(`The platform's ${what} did not answer JSON`);
  }
}

type ToolUrls = { loginUrl: string; launchUrl: string; jwksUrl: string };

async function register(deps: LtiDeps, query: z.infer<typeof registrationQuery>, urls: ToolUrls) {
  const link = await deps.db
    .selectFrom('lti_registration_links')
    .select(['created_by'])
    .where('token_hash', '=', sha256(query.link))
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!link)
    throw new AppError('LTI_REGISTRATION_INVALID', 'This registration link is unknown, expired or used already: ask for a new one');
  const config = openIdConfiguration.safeParse(await fetchJson(deps, query.openid_configuration, {}, 'OpenID configuration'));
  if (!config.success) throw new AppError('LTI_REGISTRATION_INVALID', "The platform's OpenID configuration lacks an issuer or an endpoint");
  // Spec: the configuration must be served under its issuer, so a link cannot register someone else's issuer.
  if (!query.openid_configuration.startsWith(config.data.issuer)) {
    throw new AppError('LTI_REGISTRATION_INVALID', "The OpenID configuration's issuer is not the site that serves it");
  }
  const host = new URL(urls.launchUrl).host;
  const toolConfig = {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: urls.loginUrl,
    redirect_uris: [urls.launchUrl],
    client_name: 'Skill Probe Live',
    jwks_uri: urls.jwksUrl,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: TOOL_SCOPES.join(' '),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: host,
      target_link_uri: urls.launchUrl,
      claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
      messages: [
        { type: 'LtiResourceLinkRequest', target_link_uri: urls.launchUrl, label: 'Skill Probe Live' },
        { type: 'LtiDeepLinkingRequest', target_link_uri: urls.launchUrl, label: 'Add a live class', placements: ['ContentArea'] },
      ],
    },
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (query.registration_token) headers.authorization = `Bearer ${query.registration_token}`;
  const answer = registrationResponse.safeParse(
    await fetchJson(
      deps,
      config.data.registration_endpoint,
      { method: 'POST', headers, body: JSON.stringify(toolConfig) },
      'registration endpoint',
    ),
  );
  if (!answer.success) throw new AppError('LTI_REGISTRATION_INVALID', 'The platform accepted the registration but sent no client_id');
  const deploymentId = answer.data['https://purl.imsglobal.org/spec/lti-tool-configuration']?.deployment_id;
  const product = config.data['https://purl.imsglobal.org/spec/lti-platform-configuration']?.product_family_code;
  const issuer = config.data.issuer;
  return deps.db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('lti_registration_links')
      .set({ used_at: sql<Date>`now()` })
      .where('token_hash', '=', sha256(query.link))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (used.numUpdatedRows === 0n) throw new AppError('LTI_REGISTRATION_INVALID', 'This registration link was used already');
    const platform = await insertPlatform(trx, {
      slug: platformSlug(issuer, answer.data.client_id),
      name: `${product ?? 'LMS'} (${new URL(issuer).host})`.slice(0, 200),
      issuer,
      clientId: answer.data.client_id,
      deploymentIds: deploymentId ? [deploymentId] : [],
      authLoginUrl: config.data.authorization_endpoint,
      tokenUrl: config.data.token_endpoint,
      jwksUrl: config.data.jwks_uri,
      registeredVia: 'dynamic',
      createdBy: link.created_by,
    });
    if (!platform) throw new AppError('LTI_PLATFORM_EXISTS', `${issuer} is registered already with client id ${answer.data.client_id}`);
    await trx
      .updateTable('lti_registration_links')
      .set({ platform_id: platform.id })
      .where('token_hash', '=', sha256(query.link))
      .execute();
    const details = { issuer, clientId: platform.client_id, deploymentIds: platform.deployment_ids, via: 'dynamic' };
    const actor = { id: link.created_by, name: link.created_by, role: 'admin' as const, email: null, ip: null };
    await insertAuditEntry(trx, auditEntry(actor, 'lti.platform.register', { type: 'lti_platform', id: platform.id }, 'success', details));
    return platform;
  });
}

/** `GET /lti/register`: the URL an LMS admin pastes (LTI Dynamic Registration), opened by the LMS in a window. */
export function registrationRoute(deps: LtiDeps, urlsOf: (request: FastifyRequest) => ToolUrls): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/lti/register', { schema: { tags: ['LTI'], summary: 'LTI Dynamic Registration', hide: true } }, async (request, reply) => {
      try {
        const query = registrationQuery.safeParse(request.query);
        if (!query.success) {
          const field = query.error.issues[0]?.path.join('.') ?? '?';
          throw new AppError('LTI_REGISTRATION_INVALID', `The registration's ${field} parameter is missing or invalid`);
        }
        const platform = await register(deps, query.data, urlsOf(request));
        return registrationDonePage(reply, platform.name);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        const details = { code: err.code, reason: err.message };
        await insertAuditEntry(
          deps.db,
          auditEntry(null, 'lti.platform.register', { type: 'lti_platform', id: null }, 'denied', details, request.ip),
        );
        return errorPage(reply, err.status, err.code, err.message, 'The registration failed');
      }
    });
  };
}
