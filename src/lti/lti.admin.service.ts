import type { Actor } from '../auth/actor.ts';
import { isAdmin } from '../auth/policies.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditTarget, auditEntry } from '../audit/audit.service.ts';
import type { AuditAction } from '../audit/audit.actions.ts';
import type { LtiPlatformRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { LtiDeps } from './lti.deps.ts';
import { platformSlug } from './lti.ids.ts';
import { listKeys, retireKey, rotateSigningKey } from './lti.keys.ts';
import { createRegistrationLink } from './lti.registration.ts';
import { deletePlatform, findPlatforms, insertPlatform } from './lti.repo.ts';
import type { RegisterPlatformBody } from './lti.schemas.ts';

const platformTarget = (id: string | null): AuditTarget => ({ type: 'lti_platform', id });

/** A platform as the API shows it. */
export function toPlatformDto(row: LtiPlatformRow) {
  return {
    id: row.id,
    name: row.name,
    issuer: row.issuer,
    clientId: row.client_id,
    deploymentIds: row.deployment_ids,
    authLoginUrl: row.auth_login_url,
    tokenUrl: row.token_url,
    jwksUrl: row.jwks_url,
    registeredVia: row.registered_via,
    courseIdPrefix: `lti:${row.slug}:`,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export type LtiAdminService = ReturnType<typeof createLtiAdminService>;

/** What admins do with LTI: register and remove platforms, rotate and retire the tool's keys, make registration links. */
export function createLtiAdminService(deps: LtiDeps) {
  const { db, audit } = deps;
  const requireAdmin = async (actor: Actor, action: AuditAction, target: AuditTarget) => {
    if (!isAdmin(actor)) throw await audit.deny(actor, action, target, new AppError('FORBIDDEN', 'Only admins may manage LTI'));
  };

  return {
    async listPlatforms(actor: Actor) {
      await requireAdmin(actor, 'lti.platform.read', platformTarget(null));
      return { platforms: (await findPlatforms(db)).map(toPlatformDto) };
    },

    async registerPlatform(actor: Actor, body: RegisterPlatformBody) {
      await requireAdmin(actor, 'lti.platform.register', platformTarget(null));
      const row = await db.transaction().execute(async (trx) => {
        const inserted = await insertPlatform(trx, {
          ...body,
          slug: platformSlug(body.issuer, body.clientId),
          registeredVia: 'manual',
          createdBy: actor.id,
        });
        if (!inserted) return undefined;
        const details = { issuer: body.issuer, clientId: body.clientId, deploymentIds: body.deploymentIds, via: 'manual' };
        await insertAuditEntry(trx, auditEntry(actor, 'lti.platform.register', platformTarget(inserted.id), 'success', details));
        return inserted;
      });
      if (!row) {
        const error = new AppError(
          'LTI_PLATFORM_EXISTS',
          `A platform with issuer ${body.issuer} and client id ${body.clientId} is registered already`,
        );
        throw await audit.deny(actor, 'lti.platform.register', platformTarget(null), error);
      }
      return toPlatformDto(row);
    },

    /** Removes a platform: its launches stop. Courses, rosters and classes stay; registering it again maps to them. */
    async deletePlatform(actor: Actor, platformId: string) {
      await requireAdmin(actor, 'lti.platform.delete', platformTarget(platformId));
      const deleted = await db.transaction().execute(async (trx) => {
        const row = await deletePlatform(trx, platformId);
        if (row) {
          const details = { issuer: row.issuer, clientId: row.client_id };
          await insertAuditEntry(trx, auditEntry(actor, 'lti.platform.delete', platformTarget(platformId), 'success', details));
        }
        return row;
      });
      if (!deleted) throw new AppError('LTI_PLATFORM_NOT_FOUND', `No LTI platform ${platformId}`);
    },

    async createRegistrationLink(actor: Actor, registrationUrl: string) {
      await requireAdmin(actor, 'lti.registration_link.create', { type: 'lti_registration_link', id: null });
      const link = await createRegistrationLink(deps, actor.id, registrationUrl);
      await insertAuditEntry(
        db,
        auditEntry(actor, 'lti.registration_link.create', { type: 'lti_registration_link', id: null }, 'success', {
          expiresAt: link.expiresAt,
        }),
      );
      return { url: link.url, expiresAt: link.expiresAt.toISOString() };
    },

    async listKeys(actor: Actor) {
      await requireAdmin(actor, 'lti.keys.read', { type: 'lti_key', id: null });
      const rows = await listKeys(db);
      const now = Date.now();
      return {
        keys: rows
          .filter((k) => !k.retired_at || k.retired_at.getTime() > now)
          .map((k) => ({
            kid: k.kid,
            alg: 'RS256' as const,
            createdAt: k.created_at.toISOString(),
            signing: k.superseded_at === null,
            retiresAt: k.retired_at?.toISOString() ?? null,
          })),
      };
    },

    async rotateKeys(actor: Actor, retirePreviousNow: boolean) {
      await requireAdmin(actor, 'lti.keys.rotate', { type: 'lti_key', id: null });
      const rotated = await rotateSigningKey(db, retirePreviousNow ? 0 : undefined);
      const details = { previous: rotated.previous?.kid ?? null, retiresAt: rotated.previous?.retiresAt ?? null };
      await insertAuditEntry(db, auditEntry(actor, 'lti.keys.rotate', { type: 'lti_key', id: rotated.kid }, 'success', details));
      return this.listKeys(actor);
    },

    async retireKey(actor: Actor, kid: string) {
      await requireAdmin(actor, 'lti.keys.retire', { type: 'lti_key', id: kid });
      if (!(await retireKey(db, kid))) {
        throw new AppError('LTI_KEY_NOT_FOUND', `No published superseded key ${kid} (the signing key is retired by rotating first)`);
      }
      await insertAuditEntry(db, auditEntry(actor, 'lti.keys.retire', { type: 'lti_key', id: kid }, 'success'));
      return this.listKeys(actor);
    },
  };
}
