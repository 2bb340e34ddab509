import { z } from 'zod';
import { LTI_SCOPES, type ServiceTokens, type TokenPlatform, withServiceToken } from './lti.service-token.ts';
import { type CallOptions, LtiServiceError, nextLink, platformCall, readJson, sameOrigin } from './lti.service-token.http.ts';

const LINE_ITEM_TYPE = 'application/vnd.ims.lis.v2.lineitem+json';
const CONTAINER_TYPE = 'application/vnd.ims.lis.v2.lineitemcontainer+json';
const SCORE_TYPE = 'application/vnd.ims.lis.v1.score+json';
/** Line items of one context, in pages: a course with a few hundred gradebook columns is a handful of pages. */
const MAX_PAGES = 50;

/** A gradebook column we publish into: one per class and kind, found again by (resourceId, tag). */
export interface LineItemSpec {
  label: string;
  resourceId: string;
  tag: string;
  scoreMaximum: number;
}

/** One score (AGS 2.0 §3.4): always final (Completed, FullyGraded), timestamped now. */
export interface Score {
  userId: string;
  scoreGiven: number;
  scoreMaximum: number;
  comment?: string;
}

const lineItem = z.object({ id: z.string().url(), resourceId: z.string().optional(), tag: z.string().optional() });

/** `…/lineitems/7?x=1` → `…/lineitems/7/scores?x=1`: the path grows, the query (some platforms put ids there) stays. */
export function scoresUrl(lineItemUrl: string): string {
  const url = new URL(lineItemUrl);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/scores`;
  return url.toString();
}

/** Refuses a URL the platform gave (a next page, a line item id) that is not on the line items service's origin. */
function requireSameOrigin(what: string, url: string, lineItemsUrl: string): string {
  if (sameOrigin(url, lineItemsUrl)) return url;
  throw new LtiServiceError(`${what}: the platform pointed to another host than its line items service; not followed`, false, {
    detail: url.slice(0, 500),
  });
}

/**
 * The line item of this class and kind: the one the platform lists with the same resourceId and tag (a retry, or a
 * publication sent again, posts into the same column), else a new one. Next pages and line item ids must be on the
 * origin of `lineItemsUrl` (the signed launch's): our token goes nowhere else. A lookup that cannot read every page
 * fails (retryable) rather than create a second column for the same class.
 */
export async function findOrCreateLineItem(
  tokens: ServiceTokens,
  platform: TokenPlatform,
  lineItemsUrl: string,
  spec: LineItemSpec,
  opts: CallOptions = {},
): Promise<string> {
  const found = await findLineItem(tokens, platform, lineItemsUrl, spec, opts);
  if (found) return found;
  const what = 'Line item creation';
  const res = await withServiceToken(
    tokens,
    platform,
    [LTI_SCOPES.lineItem],
    (token) =>
      platformCall(
        what,
        lineItemsUrl,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': LINE_ITEM_TYPE, accept: LINE_ITEM_TYPE },
          body: JSON.stringify(spec),
        },
        opts,
      ),
    opts.signal,
  );
  const created = lineItem.safeParse(await readJson(what, res));
  if (!created.success) throw new LtiServiceError(`${what}: the platform's answer has no line item id`, false);
  return requireSameOrigin(what, created.data.id, lineItemsUrl);
}

async function findLineItem(
  tokens: ServiceTokens,
  platform: TokenPlatform,
  lineItemsUrl: string,
  spec: LineItemSpec,
  opts: CallOptions,
): Promise<string | undefined> {
  const what = 'Line item lookup';
  const first = new URL(lineItemsUrl);
  first.searchParams.set('resource_id', spec.resourceId);
  first.searchParams.set('tag', spec.tag);
  let next: string | undefined = first.toString();
  for (let page = 1; next; page++) {
    // Creating after an unfinished lookup could duplicate a column the unread pages hold.
    if (page > MAX_PAGES) throw new LtiServiceError(`${what}: more than ${MAX_PAGES} pages of line items; not finished`, true);
    const pageUrl: string = next;
    const res = await withServiceToken(
      tokens,
      platform,
      [LTI_SCOPES.lineItem],
      (token) => platformCall(what, pageUrl, { headers: { authorization: `Bearer ${token}`, accept: CONTAINER_TYPE } }, opts),
      opts.signal,
    );
    const items = z.array(z.unknown()).safeParse(await readJson(what, res));
    if (!items.success) throw new LtiServiceError(`${what}: the platform's answer is not a list of line items`, false);
    // A platform may ignore the filters: only an exact match is ours.
    for (const entry of items.data) {
      const item = lineItem.safeParse(entry);
      if (item.success && item.data.resourceId === spec.resourceId && item.data.tag === spec.tag) {
        return requireSameOrigin(what, item.data.id, lineItemsUrl);
      }
    }
    next = nextLink(res.headers.get('link'), pageUrl);
    if (next) requireSameOrigin(what, next, lineItemsUrl);
  }
  return undefined;
}

/** Posts one score to a line item. A score replaces the student's previous one, so posting it again is harmless. */
export async function postScore(
  tokens: ServiceTokens,
  platform: TokenPlatform,
  lineItemUrl: string,
  score: Score,
  opts: CallOptions = {},
): Promise<void> {
  const body = {
    ...score,
    timestamp: new Date().toISOString(),
    activityProgress: 'Completed',
    gradingProgress: 'FullyGraded',
  };
  await withServiceToken(
    tokens,
    platform,
    [LTI_SCOPES.score],
    (token) =>
      platformCall(
        `Score for ${score.userId}`,
        scoresUrl(lineItemUrl),
        { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': SCORE_TYPE }, body: JSON.stringify(body) },
        opts,
      ),
    opts.signal,
  );
}
