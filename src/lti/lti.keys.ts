import type { webcrypto } from 'node:crypto';
import { sql } from 'kysely';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Db } from '../db/kysely.ts';
import type { LtiKeyRow } from '../db/tables.ts';

/**
 * The tool's own signing keys (RS256). One key signs at a time; a rotation supersedes it and keeps it published and
 * accepted for a grace period, so tokens it signed a moment ago (our session tokens, a platform's cached JWKS)
 * stay valid until they expire.
 */

export const LTI_KEY_ALG = 'RS256';
/** How long a superseded key stays published and accepted: longer than any token it signed can live. */
export const RETIRE_GRACE_MS = 24 * 3600_000;

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  alg: 'RS256';
}

type CryptoKey = webcrypto.CryptoKey;

/** Imported keys by kid: a kid is the key's thumbprint, so an entry never goes stale. */
const privateKeys = new Map<string, Promise<CryptoKey>>();
const publicKeys = new Map<string, Promise<CryptoKey>>();

function imported(cache: Map<string, Promise<CryptoKey>>, kid: string, jwk: JWK): Promise<CryptoKey> {
  let key = cache.get(kid);
  if (!key) {
    key = importJWK(jwk, LTI_KEY_ALG) as Promise<CryptoKey>;
    cache.set(kid, key);
    // A failed import is not remembered.
    key.catch(() => cache.delete(kid));
  }
  return key;
}

async function newKeyRow(): Promise<{ kid: string; private_jwk: string; public_jwk: string }> {
  const { privateKey, publicKey } = await generateKeyPair(LTI_KEY_ALG, { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    private_jwk: JSON.stringify({ ...privateJwk, kid, alg: LTI_KEY_ALG }),
    public_jwk: JSON.stringify({ ...publicJwk, kid, alg: LTI_KEY_ALG, use: 'sig' }),
  };
}

async function signingRow(db: Db): Promise<LtiKeyRow | undefined> {
  return db.selectFrom('lti_keys').selectAll().where('superseded_at', 'is', null).executeTakeFirst();
}

/**
 * The key that signs now, created on first use. Two nodes creating it at once both insert; the partial unique index
 * keeps one, and both read that one back.
 */
export async function activeSigningKey(db: Db): Promise<SigningKey> {
  let row = await signingRow(db);
  if (!row) {
    await db
      .insertInto('lti_keys')
      .values(await newKeyRow())
      .onConflict((oc) => oc.doNothing())
      .execute();
    row = await signingRow(db);
    if (!row) throw new Error('No LTI signing key after creating one');
  }
  return { kid: row.kid, privateKey: await imported(privateKeys, row.kid, row.private_jwk), alg: LTI_KEY_ALG };
}

/** A published key: the signing one, or a superseded one not yet retired. */
const published = (db: Db) =>
  db.selectFrom('lti_keys').where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', sql<Date>`now()`)]));

/** The public keys at `/.well-known/jwks.json`: the signing key first, then those still in their grace period. */
export async function publishedJwks(db: Db): Promise<{ keys: JWK[] }> {
  await activeSigningKey(db);
  const rows = await published(db)
    .select(['public_jwk', 'superseded_at'])
    .orderBy(sql`superseded_at IS NULL`, 'desc')
    .orderBy('created_at', 'desc')
    .execute();
  return { keys: rows.map((r) => r.public_jwk) };
}

/** The public key of a published key by kid (for verifying tokens we signed), or undefined. */
export async function publishedVerificationKey(db: Db, kid: string): Promise<CryptoKey | undefined> {
  const row = await published(db).select(['kid', 'public_jwk']).where('kid', '=', kid).executeTakeFirst();
  return row ? imported(publicKeys, row.kid, row.public_jwk) : undefined;
}

export interface RotationResult {
  kid: string;
  /** The key that signed until now, and when it retires (null when there was none). */
  previous: { kid: string; retiresAt: Date } | null;
}

/**
 * Makes a new key the signing key. The previous one stays published until `retireAfterMs` from now (0 retires it at
 * once, e.g. after a leak). Rotations are serialized by a table lock, so two at once make two keys in turn.
 */
export async function rotateSigningKey(db: Db, retireAfterMs = RETIRE_GRACE_MS): Promise<RotationResult> {
  const fresh = await newKeyRow();
  return db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE lti_keys IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    const retiresAt = new Date(Date.now() + retireAfterMs);
    const old = await trx
      .updateTable('lti_keys')
      .set({ superseded_at: sql<Date>`now()`, retired_at: retiresAt })
      .where('superseded_at', 'is', null)
      .returning('kid')
      .executeTakeFirst();
    await trx.insertInto('lti_keys').values(fresh).execute();
    return { kid: fresh.kid, previous: old ? { kid: old.kid, retiresAt } : null };
  });
}

/** Retires a superseded key now (it stops being published and accepted). False when no such key is published. */
export async function retireKey(db: Db, kid: string): Promise<boolean> {
  const result = await db
    .updateTable('lti_keys')
    .set({ retired_at: sql<Date>`now()` })
    .where('kid', '=', kid)
    .where('superseded_at', 'is not', null)
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The keys for the admin list: never the private halves. */
export async function listKeys(db: Db) {
  return db
    .selectFrom('lti_keys')
    .select(['kid', 'alg', 'created_at', 'superseded_at', 'retired_at'])
    .orderBy('created_at', 'desc')
    .execute();
}
