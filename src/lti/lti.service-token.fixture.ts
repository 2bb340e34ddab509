import type { Db } from '../db/kysely.ts';
import type { MockPlatform } from './lti.service-token.mock-platform.ts';
import { LTI_SCOPES } from './lti.service-token.ts';

/**
 * A course as an LMS launch leaves it (H1's launch writes these rows): the platform registered, the context with the
 * NRPS and AGS endpoints of the mock platform, and LMS users already mapped to our ids (`users`: sub → user id).
 */
export async function insertLtiCourse(
  db: Db,
  platform: MockPlatform,
  courseId: string,
  opts: { users?: Record<string, string>; agsScopes?: string[] } = {},
): Promise<string> {
  const { id } = await db
    .insertInto('lti_platforms')
    .values({
      slug: 'mocklms1',
      name: 'Mock LMS',
      issuer: platform.url,
      client_id: platform.clientId,
      deployment_ids: JSON.stringify(['dep-1']),
      auth_login_url: `${platform.url}/auth`,
      token_url: platform.tokenUrl,
      jwks_url: `${platform.url}/jwks`,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('lti_contexts')
    .values({
      platform_id: id,
      context_id: 'ctx-1',
      course_id: courseId,
      title: 'Algorithms',
      deployment_id: 'dep-1',
      nrps_url: platform.nrpsUrl,
      ags_lineitems_url: platform.lineItemsUrl,
      ags_scopes: JSON.stringify(opts.agsScopes ?? [LTI_SCOPES.lineItem, LTI_SCOPES.score]),
      updated_at: new Date(),
    })
    .execute();
  const users = Object.entries(opts.users ?? {});
  if (users.length > 0) {
    await db
      .insertInto('lti_users')
      .values(users.map(([sub, userId]) => ({ platform_id: id, sub, user_id: userId, updated_at: new Date() })))
      .execute();
  }
  return id;
}
