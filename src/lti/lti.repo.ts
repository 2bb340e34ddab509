import { type Kysely, sql } from 'kysely';
import type { Database, LtiContextsTable } from '../db/tables.ts';

type Q = Kysely<Database>;

export const findPlatforms = (db: Q) => db.selectFrom('lti_platforms').selectAll().orderBy('created_at').execute();

export const findPlatform = (db: Q, id: string) => db.selectFrom('lti_platforms').selectAll().where('id', '=', id).executeTakeFirst();

/** The platforms of an issuer (an LMS may register the tool more than once, under several client ids). */
export const findPlatformsByIssuer = (db: Q, issuer: string) =>
  db.selectFrom('lti_platforms').selectAll().where('issuer', '=', issuer).execute();

export interface NewPlatform {
  slug: string;
  name: string;
  issuer: string;
  clientId: string;
  deploymentIds: string[];
  authLoginUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  registeredVia: 'manual' | 'dynamic';
  createdBy: string | null;
}

/** Inserts a platform; undefined when one with this issuer and client id exists. */
export async function insertPlatform(db: Q, p: NewPlatform) {
  return db
    .insertInto('lti_platforms')
    .values({
      slug: p.slug,
      name: p.name,
      issuer: p.issuer,
      client_id: p.clientId,
      deployment_ids: JSON.stringify(p.deploymentIds),
      auth_login_url: p.authLoginUrl,
      token_url: p.tokenUrl,
      jwks_url: p.jwksUrl,
      registered_via: p.registeredVia,
      created_by: p.createdBy,
      updated_at: new Date(),
    })
    .onConflict((oc) => oc.columns(['issuer', 'client_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export const deletePlatform = (db: Q, id: string) => db.deleteFrom('lti_platforms').where('id', '=', id).returningAll().executeTakeFirst();

export async function insertLoginState(
  db: Q,
  s: {
    state: string;
    platformId: string;
    nonce: string;
    binding: 'cookie' | 'platform-storage';
    bindingHash: string;
    storageTarget: string | null;
    targetLinkUri: string;
    ttlMs: number;
  },
) {
  await db
    .insertInto('lti_login_states')
    .values({
      state: s.state,
      platform_id: s.platformId,
      nonce: s.nonce,
      binding: s.binding,
      binding_hash: s.bindingHash,
      storage_target: s.storageTarget,
      target_link_uri: s.targetLinkUri,
      expires_at: new Date(Date.now() + s.ttlMs),
    })
    .execute();
}

/** A login state not yet used or expired. */
export const findLoginState = (db: Q, state: string) =>
  db.selectFrom('lti_login_states').selectAll().where('state', '=', state).where('expires_at', '>', sql<Date>`now()`).executeTakeFirst();

/** Uses a login state up: true for the one caller that consumed it. */
export async function consumeLoginState(db: Q, state: string): Promise<boolean> {
  const r = await db
    .deleteFrom('lti_login_states')
    .where('state', '=', state)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/** Records a nonce as used; false when it was used already (a replay). */
export async function useNonce(db: Q, platformId: string, nonce: string, expiresAt: Date): Promise<boolean> {
  const r = await db
    .insertInto('lti_nonces')
    .values({ platform_id: platformId, nonce, expires_at: expiresAt })
    .onConflict((oc) => oc.columns(['platform_id', 'nonce']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** The user id here of a platform's user, recorded on first sight and never changed. */
export async function mapUser(db: Q, platformId: string, sub: string, proposed: string): Promise<string> {
  await db
    .insertInto('lti_users')
    .values({ platform_id: platformId, sub, user_id: proposed, updated_at: new Date() })
    .onConflict((oc) => oc.columns(['platform_id', 'sub']).doUpdateSet({ updated_at: new Date() }))
    .execute();
  const row = await db
    .selectFrom('lti_users')
    .select('user_id')
    .where('platform_id', '=', platformId)
    .where('sub', '=', sub)
    .executeTakeFirstOrThrow();
  return row.user_id;
}

export type ContextClaims = Pick<LtiContextsTable, 'title' | 'deployment_id' | 'nrps_url' | 'ags_lineitems_url' | 'ags_lineitem_url'> & {
  ags_scopes: string[];
};

/** Records or refreshes a context from a launch's claims; returns its course id (chosen on first sight). */
export async function upsertContext(db: Q, platformId: string, contextId: string, proposedCourseId: string, c: ContextClaims) {
  const values = { ...c, ags_scopes: JSON.stringify(c.ags_scopes), updated_at: new Date() };
  const row = await db
    .insertInto('lti_contexts')
    .values({ platform_id: platformId, context_id: contextId, course_id: proposedCourseId, ...values })
    .onConflict((oc) => oc.columns(['platform_id', 'context_id']).doUpdateSet(values))
    .returning('course_id')
    .executeTakeFirstOrThrow();
  return row.course_id;
}

export const findContextByCourse = (db: Q, courseId: string) =>
  db.selectFrom('lti_contexts').selectAll().where('course_id', '=', courseId).executeTakeFirst();

/** Drops expired login states, nonces, Deep Linking requests and registration links; returns how many. */
export async function sweepExpired(db: Q): Promise<number> {
  const now = sql<Date>`now()`;
  const counts = await Promise.all([
    db.deleteFrom('lti_login_states').where('expires_at', '<=', now).executeTakeFirst(),
    db.deleteFrom('lti_nonces').where('expires_at', '<=', now).executeTakeFirst(),
    db.deleteFrom('lti_deep_link_requests').where('expires_at', '<=', now).executeTakeFirst(),
    db.deleteFrom('lti_registration_links').where('expires_at', '<=', now).executeTakeFirst(),
  ]);
  return counts.reduce((n, r) => n + Number(r.numDeletedRows), 0);
}
