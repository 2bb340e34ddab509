import type { webcrypto } from 'node:crypto';
import type { Claims } from '../auth/actor.ts';
import { type OwnTokenKeys, signToken } from '../auth/tokens.ts';
import type { Db } from '../db/kysely.ts';
import { activeSigningKey, publishedVerificationKey } from './lti.keys.ts';

/** Our sign-in tokens after a launch last an hour: the web app asks the LMS for a new launch after that. */
export const LAUNCH_TOKEN_TTL_SECONDS = 3600;

/** The issuer of the tokens we sign after a launch: clearly ours, under the public origin. */
export const launchTokenIssuer = (origin: string) => `${origin}/lti`;

/** Signs our own sign-in token for a launched user with the tool's signing key. */
export async function signLaunchToken(db: Db, claims: Claims, origin: string): Promise<string> {
  const key = await activeSigningKey(db);
  return signToken(key.privateKey, claims, {
    alg: key.alg,
    kid: key.kid,
    issuer: launchTokenIssuer(origin),
    ttlSeconds: LAUNCH_TOKEN_TTL_SECONDS,
  });
}

const KID_TTL_MS = 60_000;
const KID_CAP = 1000;

/**
 * What the token verifier needs to accept our launch tokens: our published keys by kid (cached for a minute, found
 * or not, so tokens from the LMS with their own kids do not query the database each time) and our issuer.
 * Without PUBLIC_URL the origin is each request's, so any `…/lti` issuer is taken: the key is what proves it ours.
 */
export function ownTokenKeys(db: Db, publicUrl: string | undefined): OwnTokenKeys {
  const cache = new Map<string, { key: Promise<webcrypto.CryptoKey | undefined>; until: number }>();
  return {
    async key(kid) {
      const hit = cache.get(kid);
      if (hit && hit.until > Date.now()) return hit.key;
      if (cache.size >= KID_CAP) cache.clear();
      const key = publishedVerificationKey(db, kid);
      cache.set(kid, { key, until: Date.now() + KID_TTL_MS });
      // A failed lookup (the database is down) is not remembered.
      key.catch(() => cache.delete(kid));
      return key;
    },
    acceptsIssuer: (iss) =>
      typeof iss === 'string' && (publicUrl ? iss === launchTokenIssuer(publicUrl) : /^https?:\/\/[^/]+\/lti$/.test(iss)),
  };
}
