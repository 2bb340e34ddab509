import { SignJWT } from 'jose';
import { sql } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import { AppError } from '../errors.ts';
import type { LtiDeps } from './lti.deps.ts';
import { CLAIM } from './lti.id-token.ts';
import { activeSigningKey } from './lti.keys.ts';
import { randomToken } from './lti.login.ts';
import { findPlatform } from './lti.repo.ts';

/** How long the LMS has to receive our signed answer once the mentor chose. */
const RESPONSE_TTL_SECONDS = 300;

const target = (id: string, courseId?: string) => ({ type: 'lti_deep_link', id, courseId });

/**
 * Deep Linking (the LMS's content picker): the launch recorded the request; the mentor who made it picks classes
 * of the course in the web app, and gets back a signed LtiDeepLinkingResponse to post to the LMS, which places each
 * class as a link that launches straight into it.
 */
export function createDeepLinking(deps: LtiDeps) {
  const { db, audit } = deps;

  async function open(actor: Actor, id: string) {
    const row = await db
      .selectFrom('lti_deep_link_requests')
      .selectAll()
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst();
    // Someone else's request is "not found" too: its existence is none of their business.
    if (!row || row.user_id !== actor.id) {
      throw await audit.deny(
        actor,
        'lti.deep_link',
        target(id),
        new AppError('LTI_DEEP_LINK_NOT_FOUND', 'This LMS content selection is unknown, expired or finished: start it again from the LMS'),
      );
    }
    return row;
  }

  return {
    async get(actor: Actor, id: string) {
      const row = await open(actor, id);
      return { id: row.id, courseId: row.course_id, acceptMultiple: row.accept_multiple, expiresAt: row.expires_at.toISOString() };
    },

    /** Signs the answer placing these classes (of the request's course, in order) and closes the request. */
    async respond(actor: Actor, id: string, sessionIds: string[], launchUrl: string) {
      const row = await open(actor, id);
      if (!row.accept_multiple && sessionIds.length > 1) {
        throw new AppError('VALIDATION_FAILED', 'The LMS accepts one class here: pick one', [
          { field: 'sessionIds', message: 'must hold one class' },
        ]);
      }
      const sessions = await db
        .selectFrom('live_sessions')
        .select(['id', 'title', 'description', 'scheduled_start'])
        .where('course_id', '=', row.course_id)
        .where('parent_session_id', 'is', null)
        .where('id', 'in', sessionIds)
        .execute();
      const byId = new Map(sessions.map((s) => [s.id, s]));
      const missing = sessionIds.filter((s) => !byId.has(s));
      if (missing.length > 0) throw new AppError('SESSION_NOT_FOUND', `Not a class of course ${row.course_id}: ${missing.join(', ')}`);
      const platform = await findPlatform(db, row.platform_id);
      if (!platform) throw new AppError('LTI_PLATFORM_NOT_FOUND', 'The LMS that asked was removed');
      const items = sessionIds.map((sid) => {
        const s = byId.get(sid);
        return {
          type: 'ltiResourceLink',
          title: s?.title ?? 'Live class',
          ...(s?.description ? { text: s.description.slice(0, 1000) } : {}),
          url: launchUrl,
          custom: { session_id: sid },
        };
      });
      const key = await activeSigningKey(db);
      const jwt = await new SignJWT({
        nonce: randomToken(),
        [CLAIM.messageType]: 'LtiDeepLinkingResponse',
        [CLAIM.version]: '1.3.0',
        [CLAIM.deploymentId]: row.deployment_id,
        'https://purl.imsglobal.org/spec/lti-dl/claim/content_items': items,
        ...(row.data !== null ? { 'https://purl.imsglobal.org/spec/lti-dl/claim/data': row.data } : {}),
      })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .setIssuer(platform.client_id)
        .setAudience(platform.issuer)
        .setIssuedAt()
        .setExpirationTime(`${RESPONSE_TTL_SECONDS}s`)
        .sign(key.privateKey);
      await db.transaction().execute(async (trx) => {
        const used = await trx
          .updateTable('lti_deep_link_requests')
          .set({ used_at: sql<Date>`now()` })
          .where('id', '=', id)
          .where('used_at', 'is', null)
          .executeTakeFirst();
        if (used.numUpdatedRows === 0n) throw new AppError('LTI_DEEP_LINK_NOT_FOUND', 'This LMS content selection was finished already');
        await insertAuditEntry(trx, auditEntry(actor, 'lti.deep_link', target(id, row.course_id), 'success', { sessionIds }));
      });
      return { returnUrl: row.return_url, jwt };
    },
  };
}

export type DeepLinking = ReturnType<typeof createDeepLinking>;
