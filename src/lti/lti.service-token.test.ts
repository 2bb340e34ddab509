import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { fetchMembership } from './lti.nrps.client.ts';
import { LtiServiceError, nextLink } from './lti.service-token.http.ts';
import { startMockPlatform } from './lti.service-token.mock-platform.ts';
import { createServiceTokens, LTI_SCOPES, type SigningKey, type TokenPlatform } from './lti.service-token.ts';

let key: SigningKey;
let published: { keys: object[] };
const platform = await startMockPlatform({ jwks: async () => published as never });
const registered: TokenPlatform = { id: 'p1', client_id: platform.clientId, token_url: platform.tokenUrl };

before(async () => {
  const pair = await generateKeyPair('RS256');
  key = { kid: 'key-1', privateKey: pair.privateKey, alg: 'RS256' };
  published = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' }] };
});
after(() => platform.close());

test('a service token is asked with a client assertion the platform verifies against our JWKS, and cached', async () => {
  const tokens = createServiceTokens({ signingKey: async () => key });
  const before = platform.tokensIssued();
  const [a, b] = await Promise.all([tokens.token(registered, [LTI_SCOPES.nrps]), tokens.token(registered, [LTI_SCOPES.nrps])]);
  assert.equal(a, b, 'concurrent callers share one request');
  assert.equal(await tokens.token(registered, [LTI_SCOPES.nrps]), a, 'reused while fresh');
  assert.equal(platform.tokensIssued(), before + 1);
  assert.equal(platform.requests.findLast((r) => r.path === '/token')?.scope, LTI_SCOPES.nrps);
  const other = await tokens.token(registered, [LTI_SCOPES.score]);
  assert.notEqual(other, a, 'each scope set has its own token');
});

test('a token is asked again shortly before it expires', async () => {
  let now = Date.now();
  const tokens = createServiceTokens({ signingKey: async () => key, now: () => now });
  const first = await tokens.token(registered, [LTI_SCOPES.nrps]);
  now += 3540_000; // 59 min of a 60 min token: inside the margin
  assert.notEqual(await tokens.token(registered, [LTI_SCOPES.nrps]), first);
});

test('an assertion signed by a key the platform does not know is refused, and not worth retrying', async () => {
  const stranger = await generateKeyPair('RS256');
  const tokens = createServiceTokens({ signingKey: async () => ({ kid: 'unknown', privateKey: stranger.privateKey, alg: 'RS256' }) });
  await assert.rejects(tokens.token(registered, [LTI_SCOPES.nrps]), (err: unknown) => {
    assert.ok(err instanceof LtiServiceError);
    assert.equal(err.status, 401);
    assert.equal(err.retryable, false);
    return true;
  });
});

test('the membership is read across every page of Link rel="next"', async () => {
  platform.members = [1, 2, 3, 4, 5].map((n) => ({ user_id: `u${n}`, roles: ['Learner'], name: `User ${n}` }));
  platform.members.push({ user_id: '', roles: [] } as never); // unreadable: skipped, not fatal
  const tokens = createServiceTokens({ signingKey: async () => key });
  const membership = await fetchMembership(tokens, registered, platform.nrpsUrl);
  assert.deepEqual(
    membership.members.map((m) => m.user_id),
    ['u1', 'u2', 'u3', 'u4', 'u5'],
  );
  assert.equal(membership.pages, 3);
  assert.equal(membership.skipped, 1);
});

test('a page that fails fails the whole read (no half roster)', async () => {
  platform.members = [1, 2, 3].map((n) => ({ user_id: `u${n}`, roles: ['Learner'] }));
  const tokens = createServiceTokens({ signingKey: async () => key });
  await tokens.token(registered, [LTI_SCOPES.nrps]);
  platform.fail('/nrps/ctx-1', 503, 1);
  await assert.rejects(fetchMembership(tokens, registered, platform.nrpsUrl), (err: unknown) => {
    assert.ok(err instanceof LtiServiceError);
    assert.equal(err.retryable, true);
    return true;
  });
});

test('a token the platform revoked early is replaced once, and the call goes through', async () => {
  platform.members = [{ user_id: 'u1', roles: ['Learner'] }];
  const tokens = createServiceTokens({ signingKey: async () => key });
  await fetchMembership(tokens, registered, platform.nrpsUrl);
  const issued = platform.tokensIssued();
  platform.revokeTokens();
  const membership = await fetchMembership(tokens, registered, platform.nrpsUrl);
  assert.equal(membership.members.length, 1);
  assert.equal(platform.tokensIssued(), issued + 1);
});

test('a Link header is read as RFC 8288 says', () => {
  const base = 'https://lms.example/api/members?page=1';
  assert.equal(
    nextLink('<https://lms.example/api/members?page=1>; rel="first", <https://lms.example/api/members?page=2>; rel="next"', base),
    'https://lms.example/api/members?page=2',
  );
  assert.equal(nextLink('</api/members?page=3>; rel=next', base), 'https://lms.example/api/members?page=3');
  assert.equal(nextLink('<https://lms.example/api/members?page=1>; rel="prev"', base), undefined);
  assert.equal(nextLink(null, base), undefined);
});
