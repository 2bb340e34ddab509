import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/kysely.ts';
import type { LtiPlatformRow } from '../db/tables.ts';
import { findPlatformsByIssuer, insertLoginState } from './lti.repo.ts';
import { refused } from './lti.id-token.ts';

/** How long a login may take before its launch arrives. */
export const LOGIN_STATE_TTL_MS = 10 * 60_000;

/** The OIDC third-party login initiation's parameters (query of a GET, or form of a POST). */
export const loginParams = z.looseObject({
  iss: z.string().min(1).max(2000),
  login_hint: z.string().min(1).max(2000),
  target_link_uri: z.string().min(1).max(2000),
  lti_message_hint: z.string().max(4000).optional(),
  lti_deployment_id: z.string().max(255).optional(),
  client_id: z.string().max(500).optional(),
  lti_storage_target: z.string().min(1).max(200).optional(),
});
export type LoginParams = z.infer<typeof loginParams>;

export const randomToken = () => randomBytes(32).toString('base64url');
export const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** The cookie that binds a login's state to the browser that started it, when the platform offers no storage. */
export const bindingCookieName = (state: string) => `spl_lti_${state}`;

/** True when `secret` is the one this state was bound to. */
export function bindingMatches(secret: string | undefined, bindingHash: string): boolean {
  if (!secret) return false;
  const a = Buffer.from(sha256(secret));
  const b = Buffer.from(bindingHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The platform a login or id_token names: by issuer, and client id when the issuer registered us more than once. */
export async function findLaunchingPlatform(db: Db, issuer: string, clientIds: string[]): Promise<LtiPlatformRow> {
  const platforms = await findPlatformsByIssuer(db, issuer);
  const matching = clientIds.length > 0 ? platforms.filter((p) => clientIds.includes(p.client_id)) : platforms;
  if (matching.length === 1 && matching[0]) return matching[0];
  if (matching.length === 0)
    throw refused(`No LTI platform is registered for issuer ${issuer}${clientIds.length ? ` and client id ${clientIds.join(', ')}` : ''}`);
  throw refused(`Issuer ${issuer} is registered more than once: the login must name its client_id`);
}

export interface LoginStart {
  platform: LtiPlatformRow;
  state: string;
  /** The platform's authentication request URL, with every parameter. */
  authUrl: string;
  /** The browser secret: set as a cookie, and put in the platform's storage when it offers one. */
  secret: string;
  storageTarget: string | null;
}

/**
 * Starts a launch: checks the login names a registered platform and this tool, records a state (with its nonce and
 * the hash of a secret only this browser will hold) and builds the authentication request to the platform.
 */
export async function startLogin(db: Db, params: LoginParams, launchUrl: string): Promise<LoginStart> {
  const platform = await findLaunchingPlatform(db, params.iss, params.client_id ? [params.client_id] : []);
  if (params.lti_deployment_id !== undefined && !platform.deployment_ids.includes(params.lti_deployment_id)) {
    throw refused(`Deployment ${params.lti_deployment_id} is not registered for this platform`);
  }
  if (!sameOrigin(params.target_link_uri, launchUrl)) throw refused('The target_link_uri is not this tool');
  const state = randomToken();
  const nonce = randomToken();
  const secret = randomToken();
  const storageTarget = params.lti_storage_target ?? null;
  await insertLoginState(db, {
    state,
    platformId: platform.id,
    nonce,
    binding: storageTarget ? 'platform-storage' : 'cookie',
    bindingHash: sha256(secret),
    storageTarget,
    targetLinkUri: params.target_link_uri,
    ttlMs: LOGIN_STATE_TTL_MS,
  });
  const auth = new URL(platform.auth_login_url);
  const query: Record<string, string> = {
    scope: 'openid',
    response_type: 'id_token',
    response_mode: 'form_post',
    prompt: 'none',
    client_id: platform.client_id,
    redirect_uri: launchUrl,
    login_hint: params.login_hint,
    state,
    nonce,
    ...(params.lti_message_hint ? { lti_message_hint: params.lti_message_hint } : {}),
  };
  for (const [k, v] of Object.entries(query)) auth.searchParams.set(k, v);
  return { platform, state, authUrl: auth.toString(), secret, storageTarget };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
