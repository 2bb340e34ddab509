import type { Claims } from '../auth/actor.ts';
import { emailAddress } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { invalidateMembership } from '../classroom/membership.ts';
import { upsertMembers } from '../courses/courses.repo.ts';
import type { Db } from '../db/kysely.ts';
import type { LtiPlatformRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { upsertUsersFromClaims } from '../users/users.repo.ts';
import { CLAIM, type LaunchClaims, mapRoles, refused, unverifiedIssuer } from './lti.id-token.ts';
import { namespacedId } from './lti.ids.ts';
import { bindingMatches, findLaunchingPlatform } from './lti.login.ts';
import { consumeLoginState, findLoginState, mapUser, upsertContext, useNonce } from './lti.repo.ts';
import { signLaunchToken } from './lti.tokens.ts';
import type { LtiDeps } from './lti.deps.ts';

/** How long a Deep Linking request waits for the mentor's choice. */
export const DEEP_LINK_TTL_MS = 3600_000;
/** A used nonce is kept at least this long, even for a token that claims to expire sooner. */
const NONCE_KEEP_MS = 10 * 60_000;

/** What a launch signed the user in as, and where they land. */
export interface Launched {
  platformId: string;
  userId: string;
  courseId: string | null;
  role: Claims['role'];
  messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  /** The web app's sign-in URL, the token in its fragment (never sent to a server). */
  redirect: string;
}

/**
 * Completes a launch: the id_token names a registered platform, the state is the one this browser started (its
 * secret matches), the token passes jose's checks against the platform's JWKS, the nonce is the login's and unused,
 * the deployment is registered. Then, in one transaction, the state and nonce are used up and the user, the course
 * and the roster row are recorded; after the commit the user gets our own token. Every refusal is audited with its
 * reason.
 */
export async function completeLaunch(
  deps: LtiDeps,
  input: { idToken: string; state: string; secret: string | undefined; origin: string; ip: string | null },
): Promise<Launched> {
  let platform: LtiPlatformRow | undefined;
  try {
    const { iss, aud } = unverifiedIssuer(input.idToken);
    platform = await findLaunchingPlatform(deps.db, iss, aud);
    const claims = await checkLaunch(deps, platform, input);
    return await recordLaunch(deps, platform, claims, input);
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      const target = { type: 'lti_platform', id: platform?.id ?? null };
      await insertAuditEntry(deps.db, auditEntry(null, 'lti.launch', target, 'denied', { code: err.code, reason: err.message }, input.ip));
    }
    throw err;
  }
}

async function checkLaunch(deps: LtiDeps, platform: LtiPlatformRow, input: { idToken: string; state: string; secret: string | undefined }) {
  const state = await findLoginState(deps.db, input.state);
  if (!state || state.platform_id !== platform.id) throw refused('The launch state is unknown, expired or used already');
  if (!bindingMatches(input.secret, state.binding_hash)) {
    throw refused('The launch did not come back to the browser that started it (its state is bound to another browser)');
  }
  const claims = await deps.verifyIdToken(platform, input.idToken);
  if (claims.nonce !== state.nonce) throw refused("The id_token's nonce is not the one this login sent");
  const deployment = claims[CLAIM.deploymentId];
  if (!platform.deployment_ids.includes(deployment)) throw refused(`Deployment ${deployment} is not registered for this platform`);
  if (claims[CLAIM.messageType] === 'LtiResourceLinkRequest' && !claims[CLAIM.resourceLink]) {
    throw refused('A resource link launch must carry its resource_link claim');
  }
  if (claims[CLAIM.messageType] === 'LtiDeepLinkingRequest' && !claims[CLAIM.deepLinking]) {
    throw refused('A Deep Linking request must carry its deep_linking_settings claim');
  }
  return claims;
}

/** The name shown in classes: the token's name, else given + family name, else a neutral one. */
function displayName(claims: LaunchClaims): string {
  const name = claims.name?.trim() || [claims.given_name, claims.family_name].filter(Boolean).join(' ').trim();
  return (name || 'LMS user').slice(0, 200);
}

async function recordLaunch(
  deps: LtiDeps,
  platform: LtiPlatformRow,
  claims: LaunchClaims,
  input: { state: string; origin: string; ip: string | null },
): Promise<Launched> {
  const role = mapRoles(claims[CLAIM.roles]);
  const context = claims[CLAIM.context];
  const messageType = claims[CLAIM.messageType];
  if (messageType === 'LtiDeepLinkingRequest' && role === 'student') {
    throw refused('Only instructors and administrators can add classes to the LMS');
  }
  const email = emailAddress.safeParse(claims.email);
  const result = await deps.db.transaction().execute(async (trx) => {
    if (!(await consumeLoginState(trx, input.state))) throw refused('The launch state is unknown, expired or used already');
    const keepUntil = new Date(Math.max(claims.exp * 1000, Date.now() + NONCE_KEEP_MS));
    if (!(await useNonce(trx, platform.id, claims.nonce, keepUntil))) throw refused("The id_token's nonce was used already (a replay)");
    const userId = await mapUser(trx, platform.id, claims.sub, namespacedId(platform.slug, claims.sub));
    const user: Claims = { sub: userId, name: displayName(claims), role, ...(email.success ? { email: email.data } : {}) };
    await upsertUsersFromClaims(trx, [user]);
    let courseId: string | null = null;
    if (context) {
      const nrps = claims[CLAIM.nrps];
      const ags = claims[CLAIM.ags];
      courseId = await upsertContext(trx, platform.id, context.id, namespacedId(platform.slug, context.id), {
        title: context.title?.slice(0, 1000) ?? null,
        deployment_id: claims[CLAIM.deploymentId],
        nrps_url: nrps?.context_memberships_url ?? null,
        ags_lineitems_url: ags?.lineitems ?? null,
        ags_lineitem_url: ags?.lineitem ?? null,
        ags_scopes: ags?.scope ?? [],
      });
      // Admins are never on rosters; the launching user is upserted, nobody is ever removed.
      if (role !== 'admin') await upsertMembers(trx, courseId, [{ userId, role }]);
    }
    const deepLinkId =
      messageType === 'LtiDeepLinkingRequest' ? await insertDeepLinkRequest(trx, platform, claims, courseId, userId) : null;
    const target = { type: 'lti_platform', id: platform.id, courseId };
    const actor = { id: userId, name: user.name, role, email: user.email ?? null, ip: input.ip };
    await insertAuditEntry(trx, auditEntry(actor, 'lti.launch', target, 'success', { messageType, contextId: context?.id ?? null }));
    return { user, courseId, deepLinkId };
  });
  if (result.courseId && role !== 'admin') {
    invalidateMembership(result.courseId, result.user.sub);
    deps.onRosterChanged(result.courseId, [result.user.sub]);
  }
  const launched = { platformId: platform.id, userId: result.user.sub, courseId: result.courseId, role, messageType };
  if (result.courseId) deps.onLaunched({ ...launched, courseId: result.courseId });
  const token = await signLaunchToken(deps.db, result.user, input.origin);
  const fragment = new URLSearchParams({ token });
  if (result.courseId) fragment.set('course', result.courseId);
  const sessionId = await deepLinkedSession(deps.db, claims, result.courseId);
  if (sessionId) fragment.set('session', sessionId);
  if (result.deepLinkId) fragment.set('deepLink', result.deepLinkId);
  return { ...launched, redirect: `/launch#${fragment.toString()}` };
}

async function insertDeepLinkRequest(trx: Db, platform: LtiPlatformRow, claims: LaunchClaims, courseId: string | null, userId: string) {
  const settings = claims[CLAIM.deepLinking];
  if (!settings || !courseId) throw refused('A Deep Linking request must come from a course (its context claim)');
  const row = await trx
    .insertInto('lti_deep_link_requests')
    .values({
      platform_id: platform.id,
      deployment_id: claims[CLAIM.deploymentId],
      course_id: courseId,
      user_id: userId,
      return_url: settings.deep_link_return_url,
      data: settings.data ?? null,
      accept_multiple: settings.accept_multiple ?? false,
      expires_at: new Date(Date.now() + DEEP_LINK_TTL_MS),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The class a deep-linked resource points at (its custom `session_id`), when it is one of this course's. */
async function deepLinkedSession(db: Db, claims: LaunchClaims, courseId: string | null): Promise<string | null> {
  const sessionId = claims[CLAIM.custom]?.session_id;
  if (!courseId || typeof sessionId !== 'string' || !UUID.test(sessionId)) return null;
  const row = await db
    .selectFrom('live_sessions')
    .select('id')
    .where('id', '=', sessionId)
    .where('course_id', '=', courseId)
    .executeTakeFirst();
  return row?.id ?? null;
}
