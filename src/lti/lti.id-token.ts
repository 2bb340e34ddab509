import { createRemoteJWKSet, decodeJwt, errors as joseErrors, type JWTPayload, jwtVerify } from 'jose';
import { z } from 'zod';
import type { LtiPlatformRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';

/** The LTI 1.3 claims we read, by their full names. */
export const CLAIM = {
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  context: 'https://purl.imsglobal.org/spec/lti/claim/context',
  custom: 'https://purl.imsglobal.org/spec/lti/claim/custom',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  deepLinking: 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings',
} as const;

const bounded = (max: number) => z.string().min(1).max(max);

/** A launch's claims after the signature and the standard checks, as zod reads them (unknown claims pass). */
const launchClaims = z.looseObject({
  sub: bounded(255),
  nonce: bounded(255),
  name: z.string().max(1000).optional(),
  given_name: z.string().max(1000).optional(),
  family_name: z.string().max(1000).optional(),
  email: z.string().max(1000).optional(),
  [CLAIM.messageType]: z.enum(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']),
  [CLAIM.version]: z.literal('1.3.0'),
  [CLAIM.deploymentId]: bounded(255),
  [CLAIM.targetLinkUri]: bounded(2000).optional(),
  [CLAIM.resourceLink]: z.looseObject({ id: bounded(255) }).optional(),
  [CLAIM.roles]: z.array(z.string().max(500)).max(200),
  [CLAIM.context]: z.looseObject({ id: bounded(255), title: z.string().max(1000).optional() }).optional(),
  [CLAIM.custom]: z.record(z.string(), z.unknown()).optional(),
  [CLAIM.nrps]: z.looseObject({ context_memberships_url: z.url().max(2000) }).optional(),
  [CLAIM.ags]: z
    .looseObject({
      scope: z.array(z.string().max(500)).max(20).default([]),
      lineitems: z.url().max(2000).optional(),
      lineitem: z.url().max(2000).optional(),
    })
    .optional(),
  [CLAIM.deepLinking]: z
    .looseObject({
      deep_link_return_url: z.url().max(2000),
      accept_types: z.array(z.string()).max(20),
      accept_multiple: z.boolean().optional(),
      data: z.string().max(4000).optional(),
    })
    .optional(),
});
export type LaunchClaims = z.infer<typeof launchClaims> & { exp: number };

/** A refusal with its reason: the message the user sees and the audit log keeps. */
export const refused = (reason: string) => new AppError('LTI_LAUNCH_REFUSED', reason);

/** The issuer and audience of an id_token, read before its signature is checked, to find the platform. */
export function unverifiedIssuer(idToken: string): { iss: string; aud: string[] } {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(idToken);
  } catch {
    throw refused('The id_token is not a JWT');
  }
  if (typeof payload.iss !== 'string') throw refused('The id_token has no issuer');
  const aud = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  return { iss: payload.iss, aud };
}

/** Clock skew between us and the LMS we tolerate on exp/iat. */
const CLOCK_TOLERANCE_S = 60;

/**
 * Verifies id_tokens against each platform's JWKS (fetched on demand, refetched when a token names a key it has not
 * seen: the platform rotated). `cooldownMs` bounds how often an unknown kid can make us refetch.
 */
export function createIdTokenVerifier(opts: { cooldownMs?: number } = {}) {
  const sets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  const keySet = (url: string) => {
    let set = sets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: opts.cooldownMs ?? 30_000 });
      sets.set(url, set);
    }
    return set;
  };

  return async function verifyIdToken(platform: LtiPlatformRow, idToken: string): Promise<LaunchClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, keySet(platform.jwks_url), {
        issuer: platform.issuer,
        audience: platform.client_id,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'sub', 'nonce'],
        clockTolerance: CLOCK_TOLERANCE_S,
      }));
    } catch (err) {
      throw verificationError(err);
    }
    // Several audiences: the spec wants `azp` to name us.
    if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== platform.client_id) {
      throw refused('The id_token has several audiences and its azp is not this tool');
    }
    const claims = launchClaims.safeParse(payload);
    if (!claims.success) {
      const issue = claims.error.issues[0];
      throw refused(`The id_token's claim ${issue?.path.join('.') || '?'} is missing or invalid: ${issue?.message ?? ''}`);
    }
    return { ...claims.data, exp: payload.exp as number };
  };
}

function verificationError(err: unknown): AppError {
  if (err instanceof joseErrors.JWTExpired) return refused('The id_token has expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) return refused(`The id_token's "${err.claim}" claim is wrong`);
  if (err instanceof joseErrors.JWKSNoMatchingKey) return refused("The id_token was signed by a key the platform's JWKS does not hold");
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return refused("The id_token's signature is invalid");
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return refused('The id_token must be signed with RS256');
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || isFetchFailure(err)) {
    return new AppError('LTI_PLATFORM_UNREACHABLE', "The platform's keys (JWKS) could not be fetched; try the launch again shortly");
  }
  return refused('The id_token is invalid');
}

const isFetchFailure = (err: unknown) =>
  err instanceof TypeError || (err instanceof joseErrors.JOSEError && err.code === 'ERR_JOSE_GENERIC');

/** LIS role URIs (and their short forms) by what they are here; see docs/lti.md. */
const ADMIN_ROLES = [
  'http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator',
  'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
];
const MENTOR_ROLES = [
  'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  'http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator',
  'Instructor',
  'TeachingAssistant',
];

/** Our role for an LMS user's roles: admin > mentor > student. */
export function mapRoles(roles: string[]): 'admin' | 'mentor' | 'student' {
  if (roles.some((r) => ADMIN_ROLES.includes(r))) return 'admin';
  if (roles.some((r) => MENTOR_ROLES.includes(r))) return 'mentor';
  return 'student';
}
