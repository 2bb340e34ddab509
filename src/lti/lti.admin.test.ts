import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { assertError } from '../test/http.ts';
import { auditRows, dbTargets } from '../test/harness.ts';
import { type LtiApp, makeLtiApp, PUBLIC_URL } from './lti.fixture.ts';

for (const target of await dbTargets('LTI administration')) {
  describe(`LTI administration on ${target}`, () => {
    let x: LtiApp;
    before(async () => {
      x = await makeLtiApp(target);
    });
    after(() => x.close());

    test('an admin lists the platforms and the URLs to paste; nobody else may', async () => {
      const list = await x.t.request({ method: 'GET', url: '/api/lti/platforms', token: x.admin });
      assert.equal(list.statusCode, 200);
      const [platform] = list.json().platforms;
      assert.equal(platform.issuer, x.lms.issuer);
      assert.deepEqual(platform.deploymentIds, [x.lms.deploymentId]);
      assert.match(platform.courseIdPrefix, /^lti:[a-z0-9]{8}:$/);
      const tool = await x.t.request({ method: 'GET', url: '/api/lti/tool', token: x.admin });
      assert.deepEqual(tool.json(), {
        loginUrl: `${PUBLIC_URL}/lti/login`,
        launchUrl: `${PUBLIC_URL}/lti/launch`,
        deepLinkUrl: `${PUBLIC_URL}/lti/launch`,
        jwksUrl: `${PUBLIC_URL}/.well-known/jwks.json`,
      });
      const mentor = await x.t.token({ sub: 'm', role: 'mentor' });
      await assertError(await x.t.request({ method: 'GET', url: '/api/lti/platforms', token: mentor }), 403, 'FORBIDDEN');
      await assertError(
        await x.t.request({ method: 'POST', url: '/api/lti/platforms', token: mentor, body: x.lms.registration() }),
        403,
        'FORBIDDEN',
      );
      await assertError(await x.t.request({ method: 'POST', url: '/api/lti/keys/rotate', token: mentor, body: {} }), 403, 'FORBIDDEN');
    });

    test('registering the same issuer and client id twice is a conflict; bad fields say which', async () => {
      await assertError(
        await x.t.request({ method: 'POST', url: '/api/lti/platforms', token: x.admin, body: x.lms.registration() }),
        409,
        'LTI_PLATFORM_EXISTS',
      );
      const bad = await x.t.request({
        method: 'POST',
        url: '/api/lti/platforms',
        token: x.admin,
        body: { ...x.lms.registration(), jwksUrl: 'ftp://x', deploymentIds: [] },
      });
      await assertError(bad, 400, 'VALIDATION_FAILED');
      assert.match(bad.body, /jwksUrl/);
      assert.match(bad.body, /deploymentIds/);
    });

    test("the tool's JWKS publishes the signing key; a rotation keeps the old key (and tokens it signed) until retired", async () => {
      const before = await x.signIn({ sub: 'teacher-k', role: 'instructor' });
      const jwks1 = (await x.t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as {
        keys: { kid: string; d?: string }[];
      };
      assert.equal(jwks1.keys.length, 1);
      assert.equal(jwks1.keys[0]?.d, undefined);
      // Our sign-in token verifies against the published keys, with our issuer.
      const { protectedHeader, payload } = await jwtVerify(before.token, createLocalJWKSet(jwks1 as never), {
        issuer: `${PUBLIC_URL}/lti`,
      });
      assert.equal(protectedHeader.kid, jwks1.keys[0]?.kid);
      assert.equal(payload.role, 'mentor');

      const rotated = await x.t.request({ method: 'POST', url: '/api/lti/keys/rotate', token: x.admin, body: {} });
      assert.equal(rotated.statusCode, 200, rotated.body);
      const keys = rotated.json().keys as { kid: string; signing: boolean; retiresAt: string | null }[];
      assert.deepEqual(
        keys.map((k) => k.signing),
        [true, false],
      );
      assert.ok(keys[1]?.retiresAt);
      const jwks2 = (await x.t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as { keys: { kid: string }[] };
      assert.deepEqual(
        jwks2.keys.map((k) => k.kid),
        keys.map((k) => k.kid),
      );
      const courseUrl = `/api/courses/${encodeURIComponent(before.course ?? '')}/members`;
      assert.equal(
        (await x.t.request({ method: 'GET', url: courseUrl, token: before.token })).statusCode,
        200,
        'the old token still works',
      );
      const after = await x.signIn({ sub: 'teacher-k', role: 'instructor' });
      assert.notEqual(JSON.parse(Buffer.from(after.token.split('.')[0] ?? '', 'base64url').toString()).kid, protectedHeader.kid);

      const oldKid = keys[1]?.kid ?? '';
      await assertError(
        await x.t.request({ method: 'POST', url: `/api/lti/keys/${keys[0]?.kid}/retire`, token: x.admin }),
        404,
        'LTI_KEY_NOT_FOUND',
      );
      const retired = await x.t.request({ method: 'POST', url: `/api/lti/keys/${oldKid}/retire`, token: x.admin });
      assert.equal(retired.statusCode, 200);
      assert.deepEqual(
        retired.json().keys.map((k: { kid: string }) => k.kid),
        [keys[0]?.kid],
      );
      assert.equal((await auditRows(x.t.db, { action: 'lti.keys.rotate', outcome: 'success' })).length, 1);
      assert.equal((await auditRows(x.t.db, { action: 'lti.keys.retire', outcome: 'success' })).length, 1);
    });

    test('a token signed by one of our keys with another issuer is refused; an HS256 token still works', async () => {
      const { signToken } = await import('../auth/tokens.ts');
      const { activeSigningKey } = await import('./lti.keys.ts');
      const key = await activeSigningKey(x.t.db);
      const foreign = await signToken(
        key.privateKey,
        { sub: 'x', name: 'X', role: 'admin' },
        { alg: 'RS256', kid: key.kid, issuer: 'https://evil.test/lti' },
      );
      const res = await x.t.request({ method: 'GET', url: '/api/lti/platforms', token: foreign });
      await assertError(res, 401, 'UNAUTHENTICATED');
      assert.equal((await x.t.request({ method: 'GET', url: '/api/lti/platforms', token: x.admin })).statusCode, 200);
    });

    test('deleting a platform stops its launches and keeps its courses; registering it again maps to the same course', async () => {
      const where = await x.signIn({ sub: 'learner-d', role: 'learner' });
      const removed = await x.t.request({ method: 'DELETE', url: `/api/lti/platforms/${x.platform.id}`, token: x.admin });
      assert.equal(removed.statusCode, 204);
      await assertError(
        await x.t.request({ method: 'DELETE', url: `/api/lti/platforms/${x.platform.id}`, token: x.admin }),
        404,
        'LTI_PLATFORM_NOT_FOUND',
      );
      const refused = await x.login('learner-d');
      assert.equal(refused.res.statusCode, 401);
      const members = await x.t.db
        .selectFrom('course_members')
        .select('user_id')
        .where('course_id', '=', where.course ?? '')
        .execute();
      assert.ok(members.length > 0, 'the roster stays');
      const again = await x.t.request({ method: 'POST', url: '/api/lti/platforms', token: x.admin, body: x.lms.registration() });
      assert.equal(again.statusCode, 201);
      assert.equal(again.json().courseIdPrefix, x.platform.courseIdPrefix);
      assert.equal((await auditRows(x.t.db, { action: 'lti.platform.delete' })).length, 1);
    });
  });
}
