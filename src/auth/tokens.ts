import type { KeyObject, webcrypto } from 'node:crypto';
import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { AuthConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { type Claims, claimsSchema } from './actor.ts';

/** Algorithms are pinned per key type: a shared secret only verifies HS256, a JWKS only RS256/ES256. */
const SECRET_ALGORITHMS = ['HS256'];
const JWKS_ALGORITHMS = ['RS256', 'ES256'];

/** Verified claims, plus when the token expires (seconds since the epoch). */
export type VerifiedClaims = Claims & { exp: number };

export type VerifyToken = (token: string) => Promise<VerifiedClaims>;

/** The signing keys could not be fetched: the caller is not at fault, so this is a 503, not a 401. */
class KeySetUnavailable extends Error {}

/** Our own secret could not be made into a key: a server fault (500, logged), never "the token is invalid". */
class SecretUnusable extends Error {}

/**
 * The service's own signing keys (LTI launches sign people in with them: src/lti/lti.tokens.ts). A token whose
 * header names one of them by kid is verified with it, RS256 only, and must carry our issuer; every other token goes
 * to the configured verifier as before.
 */
export interface OwnTokenKeys {
  key(kid: string): Promise<webcrypto.CryptoKey | undefined>;
  acceptsIssuer(iss: unknown): boolean;
}

/** Builds the one verifier REST and Socket.IO both use. Throws AppError UNAUTHENTICATED / TOKEN_EXPIRED. */
export function createTokenVerifier(auth: AuthConfig, own?: OwnTokenKeys): VerifyToken {
  const options = { issuer: auth.issuer, audience: auth.audience, requiredClaims: ['exp', 'sub'] };
  const configured = auth.kind === 'secret' ? secretVerifier(auth.secret, options) : jwksVerifier(auth.jwksUrl, options);
  const verify = own ? ownKeysFirst(own, configured) : configured;

  const verified = createVerifiedTokens();
  return async (token) => {
    const known = verified.get(token);
    if (known) return known;
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token));
    } catch (err) {
      if (err instanceof SecretUnusable) throw err;
      throw toAuthError(err);
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) {
      const fields = claims.error.issues.map((i) => i.path.join('.') || 'token').join(', ');
      throw new AppError('UNAUTHENTICATED', `Token claims are invalid: ${fields}`);
    }
    const result = Object.freeze({ ...claims.data, exp: payload.exp as number });
    verified.remember(token, result);
    return result;
  };
}

/** How long a verified token is taken on trust before its signature is checked again (e.g. after a key rotation). */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_CAP = 20_000;

/**
 * Tokens this process verified a moment ago. A reconnect storm presents the same tokens again within seconds; the
 * exact string (signature included) was already checked, so only its expiry is checked again, and never for longer
 * than VERIFIED_TTL_MS. Failures are never remembered.
 */
function createVerifiedTokens() {
  const entries = new Map<string, { claims: VerifiedClaims; until: number }>();
  return {
    get(token: string): VerifiedClaims | undefined {
      const hit = entries.get(token);
      if (!hit) return undefined;
      const now = Date.now();
      if (hit.until > now && hit.claims.exp * 1000 > now) return hit.claims;
      // Expired (the full check reports it as such) or due for a fresh signature check.
      entries.delete(token);
      return undefined;
    },
    remember(token: string, claims: VerifiedClaims): void {
      if (entries.size >= VERIFIED_CAP) entries.clear();
      entries.set(token, { claims, until: Date.now() + VERIFIED_TTL_MS });
    },
  };
}

/**
 * HS256 with the shared secret imported once: given raw bytes, jose imports a WebCrypto key on every verification,
 * which a join storm of 5,000 sign-ins pays 5,000 times.
 */
function secretVerifier(secret: Uint8Array, options: JWTVerifyOptions) {
  // Settled either way, so an import failure is no unhandled rejection at startup; it fails every verification
  // instead, as the server fault it is.
  const imported = crypto.subtle
    .importKey('raw', secret as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
    .then(
      (key) => ({ key }),
      (err: unknown) => ({ err }),
    );
  return async (token: string) => {
    const result = await imported;
    if ('err' in result) throw new SecretUnusable('JWT_SECRET could not be imported as an HMAC key', { cause: result.err });
    return jwtVerify(token, result.key, { ...options, algorithms: SECRET_ALGORITHMS });
  };
}

function jwksVerifier(url: URL, options: JWTVerifyOptions) {
  const jwks = createRemoteJWKSet(url, { timeoutDuration: 5000, cooldownDuration: 30_000 });
  // A token naming a key we do not have is the token's fault; anything else (network, HTTP status, a malformed
  // key set) is the key server's.
  const getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    try {
      return await jwks(header, token);
    } catch (err) {
      if (err instanceof joseErrors.JWKSNoMatchingKey || err instanceof joseErrors.JWKSMultipleMatchingKeys) throw err;
      throw new KeySetUnavailable('JWKS fetch failed', { cause: err });
    }
  };
  return (token: string) => jwtVerify(token, getKey, { ...options, algorithms: JWKS_ALGORITHMS });
}

const OWN_ALGORITHMS = ['RS256'];

function ownKeysFirst(own: OwnTokenKeys, configured: (token: string) => ReturnType<typeof jwtVerify>) {
  return async (token: string) => {
    let header: JWSHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      return configured(token);
    }
    if (typeof header.kid !== 'string' || !OWN_ALGORITHMS.includes(header.alg ?? '')) return configured(token);
    let key: webcrypto.CryptoKey | undefined;
    try {
      key = await own.key(header.kid);
    } catch (err) {
      throw new KeySetUnavailable('Our own signing keys could not be read', { cause: err });
    }
    if (!key) return configured(token);
    const result = await jwtVerify(token, key, { algorithms: OWN_ALGORITHMS, requiredClaims: ['exp', 'sub', 'iss'] });
    if (!own.acceptsIssuer(result.payload.iss)) {
      throw new joseErrors.JWTClaimValidationFailed('unexpected "iss" claim value', result.payload, 'iss', 'check_failed');
    }
    return result;
  };
}

function toAuthError(err: unknown): AppError {
  if (err instanceof KeySetUnavailable) {
    return new AppError('SERVICE_UNAVAILABLE', 'The token signing keys could not be fetched; try again shortly');
  }
  if (err instanceof joseErrors.JWTExpired) return new AppError('TOKEN_EXPIRED', 'The token has expired');
  if (err instanceof joseErrors.JWKSNoMatchingKey) return new AppError('UNAUTHENTICATED', 'The token was signed by an unknown key');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    return new AppError('UNAUTHENTICATED', `Token claim "${err.claim}" is invalid`);
  }
  return new AppError('UNAUTHENTICATED', 'The token is invalid');
}

export interface SignOptions {
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
  /** HS256 for a shared secret (the default); RS256 or ES256 for a private key matching a JWKS. */
  alg?: 'HS256' | 'RS256' | 'ES256';
  kid?: string;
}

/** Signs a token with our claims, for demo sign-in and `npm run token`. */
export async function signToken(
  key: Uint8Array | KeyObject | webcrypto.CryptoKey,
  claims: Claims,
  opts: SignOptions = {},
): Promise<string> {
  let jwt = new SignJWT({ name: claims.name, role: claims.role, ...(claims.email ? { email: claims.email } : {}) })
    .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT', ...(opts.kid ? { kid: opts.kid } : {}) })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(`${opts.ttlSeconds ?? 8 * 3600}s`);
  if (opts.issuer) jwt = jwt.setIssuer(opts.issuer);
  if (opts.audience) jwt = jwt.setAudience(opts.audience);
  return jwt.sign(key);
}
