import { z } from 'zod';
import { LTI_SCOPES, type ServiceTokens, type TokenPlatform, withServiceToken } from './lti.service-token.ts';
import { type CallOptions, LtiServiceError, nextLink, platformCall, readJson, sameOrigin } from './lti.service-token.http.ts';

export const NRPS_MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';
/** A context of 100,000 members in pages of 100; a Link loop or a runaway platform stops here. */
const MAX_PAGES = 1000;

/** One member as NRPS 2.0 lists it (fields we do not use are ignored). */
const nrpsMember = z.object({
  user_id: z.string().min(1).max(255),
  roles: z.array(z.string()).default([]),
  status: z.string().optional(),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  email: z.string().optional(),
});
export type NrpsMember = z.infer<typeof nrpsMember>;

const membershipPage = z.object({ members: z.array(z.unknown()) });

export interface Membership {
  members: NrpsMember[];
  /** Entries that were not a member we can read (no user_id): left out, and counted for the log. */
  skipped: number;
  pages: number;
}

/**
 * The whole membership of a context: every page, following `Link: <…>; rel="next"` until there is none. Any page that
 * fails fails the whole read, so a sync never acts on half a roster (a member missing from it would be removed). A next
 * link to another origin than `url` (the signed launch's) is refused: our token is not sent anywhere else.
 */
export async function fetchMembership(
  tokens: ServiceTokens,
  platform: TokenPlatform,
  url: string,
  opts: CallOptions = {},
): Promise<Membership> {
  const byUser = new Map<string, NrpsMember>();
  const seen = new Set<string>();
  let skipped = 0;
  let next: string | undefined = url;
  while (next) {
    if (seen.has(next)) throw new LtiServiceError(`Membership paging loops back to ${next}`, false);
    if (seen.size >= MAX_PAGES) throw new LtiServiceError(`Membership has more than ${MAX_PAGES} pages`, false);
    seen.add(next);
    const pageUrl: string = next;
    const what = `Membership page ${seen.size}`;
    const res = await withServiceToken(
      tokens,
      platform,
      [LTI_SCOPES.nrps],
      (token) => platformCall(what, pageUrl, { headers: { authorization: `Bearer ${token}`, accept: NRPS_MEDIA_TYPE } }, opts),
      opts.signal,
    );
    const page = membershipPage.safeParse(await readJson(what, res));
    if (!page.success) throw new LtiServiceError(`${what}: the platform's answer has no members list`, false);
    for (const entry of page.data.members) {
      const member = nrpsMember.safeParse(entry);
      if (member.success) byUser.set(member.data.user_id, member.data);
      else skipped++;
    }
    next = nextLink(res.headers.get('link'), pageUrl);
    if (next && !sameOrigin(next, url)) {
      throw new LtiServiceError(`${what}: the next page is on another host than the membership service; not followed`, false, {
        detail: next.slice(0, 500),
      });
    }
  }
  return { members: [...byUser.values()], skipped, pages: seen.size };
}
