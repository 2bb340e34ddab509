import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertError } from '../test/http.ts';
import { auditRows, dbTargets } from '../test/harness.ts';
import { type LtiApp, makeLtiApp, PUBLIC_URL } from './lti.fixture.ts';
import { TOOL_SCOPES } from './lti.registration.ts';

for (const target of await dbTargets('LTI Dynamic Registration')) {
  describe(`LTI Dynamic Registration on ${target}`, () => {
    let x: LtiApp;
    before(async () => {
      x = await makeLtiApp(target);
    });
    after(() => x.close());

    const newLink = async () => {
      const res = await x.t.request({ method: 'POST', url: '/api/lti/registration-links', token: x.admin });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().url as string;
    };
    const open = (link: string, token = x.lms.dynamic.registrationToken) => {
      const url = new URL(link);
      url.searchParams.set('openid_configuration', `${x.lms.issuer}/.well-known/openid-configuration`);
      url.searchParams.set('registration_token', token);
      return x.t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    };

    test('the LMS opens the pasted link: the tool registers itself, the platform is stored, the window closes', async () => {
      const link = await newLink();
      assert.match(link, new RegExp(`^${PUBLIC_URL}/lti/register\\?link=`));
      const res = await open(link);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /org\.imsglobal\.lti\.close/);
      const [sent] = x.lms.dynamic.received;
      assert.ok(sent);
      assert.equal(sent.initiate_login_uri, `${PUBLIC_URL}/lti/login`);
      assert.deepEqual(sent.redirect_uris, [`${PUBLIC_URL}/lti/launch`]);
      assert.equal(sent.jwks_uri, `${PUBLIC_URL}/.well-known/jwks.json`);
      assert.equal(sent.token_endpoint_auth_method, 'private_key_jwt');
      assert.equal(sent.scope, TOOL_SCOPES.join(' '));
      const platforms = (await x.t.request({ method: 'GET', url: '/api/lti/platforms', token: x.admin })).json().platforms;
      const dynamic = platforms.find((p: { registeredVia: string }) => p.registeredVia === 'dynamic');
      assert.equal(dynamic.clientId, x.lms.dynamic.clientId);
      assert.deepEqual(dynamic.deploymentIds, ['dyn-deployment-1']);
      assert.equal(dynamic.authLoginUrl, `${x.lms.issuer}/auth`);
      assert.equal(dynamic.jwksUrl, `${x.lms.issuer}/jwks`);
      assert.equal((await auditRows(x.t.db, { action: 'lti.platform.register', outcome: 'success' })).length, 2);

      const reused = await open(link);
      assert.equal(reused.statusCode, 400);
      assert.match(reused.body, /unknown, expired or used already/);
    });

    test('a link nobody made, or a platform refusing our registration, fails in words', async () => {
      const forged = await open(`${PUBLIC_URL}/lti/register?link=made-up`);
      assert.equal(forged.statusCode, 400);
      const refused = await open(await newLink(), 'wrong-token');
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /registration endpoint answered HTTP 401/);
      assert.ok((await auditRows(x.t.db, { action: 'lti.platform.register', outcome: 'denied' })).length >= 2);
    });

    test('only admins make registration links', async () => {
      const mentor = await x.t.token({ sub: 'm', role: 'mentor' });
      await assertError(await x.t.request({ method: 'POST', url: '/api/lti/registration-links', token: mentor }), 403, 'FORBIDDEN');
    });
  });
}
