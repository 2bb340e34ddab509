import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import { type CallOptions, LtiServiceError, platformCall, readJson } from './lti.service-token.http.ts';

/** The scopes of the LTI Advantage services we use. */
export const LTI_SCOPES = {
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadOnly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
} as const;

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

import type { SigningKey } from './lti.keys.ts';

export type { SigningKey };

/** What a token request needs of a registered platform (a row of lti_platforms). */
export interface TokenPlatform {
  id: string;
  client_id: string;
  token_url: string;
}

export interface ServiceTokenDeps extends Pick<CallOptions, 'fetch' | 'timeoutMs'> {
  signingKey: () => Promise<SigningKey>;
  /** The clock (tests move it). */
  now?: () => number;
}

/** A token is reused until this long before the platform says it expires (a call under way must not outlive it). */
const EXPIRY_MARGIN_MS = 60_000;
/** The client assertion's life: the platform checks it at once; a short life bounds a replay. */
const ASSERTION_TTL_SECONDS = 300;

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  scope: z.string().optional(),
});

export type ServiceTokens = ReturnType<typeof createServiceTokens>;

/**
 * OAuth 2 client-credentials tokens for the LTI Advantage services (IMS Security Framework §4.1): a JWT client assertion
 * (RFC 7523) signed with our active key, `aud` the platform's token URL. Tokens are cached per platform and scope set
 * until shortly before they expire, and concurrent callers share one request.
 */
export function createServiceTokens(deps: ServiceTokenDeps) {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { token: string; reuseUntil: number }>();
  const pending = new Map<string, Promise<string>>();
  const keyOf = (p: TokenPlatform, scopes: string[]) => `${p.id} ${p.client_id} ${p.token_url} ${[...scopes].sort().join(' ')}`;

  async function request(platform: TokenPlatform, scopes: string[], signal?: AbortSignal): Promise<string> {
    const key = await deps.signingKey();
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(platform.client_id)
      .setSubject(platform.client_id)
      .setAudience(platform.token_url)
      .setIssuedAt()
      .setExpirationTime(`${ASSERTION_TTL_SECONDS}s`)
      .setJti(randomUUID())
      .sign(key.privateKey);
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
      scope: scopes.join(' '),
    });
    const what = 'Service token request';
    const res = await platformCall(
      what,
      platform.token_url,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body },
      { ...deps, signal },
    );
    const parsed = tokenResponse.safeParse(await readJson(what, res));
    if (!parsed.success) throw new LtiServiceError(`${what}: the platform's answer has no access_token`, false);
    const lifeMs = (parsed.data.expires_in ?? 3600) * 1000;
    // A short-lived token is still reused for half its life rather than fetched for every call.
    const reuseUntil = now() + Math.max(lifeMs - EXPIRY_MARGIN_MS, lifeMs / 2);
    cache.set(keyOf(platform, scopes), { token: parsed.data.access_token, reuseUntil });
    return parsed.data.access_token;
  }

  return {
    /** A bearer token for these scopes on this platform: the cached one while it is fresh, else a new one. */
    async token(platform: TokenPlatform, scopes: string[], signal?: AbortSignal): Promise<string> {
      const key = keyOf(platform, scopes);
      const cached = cache.get(key);
      if (cached && cached.reuseUntil > now()) return cached.token;
      let inflight = pending.get(key);
      if (!inflight) {
        inflight = request(platform, scopes, signal).finally(() => pending.delete(key));
        pending.set(key, inflight);
      }
      return inflight;
    },
    /** The platform refused a cached token (401): the next call asks for a new one. */
    forget(platform: TokenPlatform, scopes: string[]): void {
      cache.delete(keyOf(platform, scopes));
    },
  };
}

/**
 * Runs `call` with a token; when the platform answers 401 (the token was revoked before its time) it is forgotten and
 * the call made once more with a fresh one.
 */
export async function withServiceToken<T>(
  tokens: ServiceTokens,
  platform: TokenPlatform,
  scopes: string[],
  call: (token: string) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  try {
    return await call(await tokens.token(platform, scopes, signal));
  } catch (err) {
    if (!(err instanceof LtiServiceError) || err.status !== 401) throw err;
    tokens.forget(platform, scopes);
    return call(await tokens.token(platform, scopes, signal));
  }
}
