import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { assertError } from '../test/http.ts';
import { auditRows, dbTargets, makeSession } from '../test/harness.ts';
import { LTI } from '../test/mock-lms.ts';
import { LAUNCH_URL, type LtiApp, makeLtiApp, pageData } from './lti.fixture.ts';

const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

for (const target of await dbTargets('LTI Deep Linking')) {
  describe(`LTI Deep Linking on ${target}`, () => {
    let x: LtiApp;
    before(async () => {
      x = await makeLtiApp(target);
    });
    after(() => x.close());

    const deepLinkClaims = (acceptMultiple = true) => ({
      [`${LTI}message_type`]: 'LtiDeepLinkingRequest',
      [`${LTI}resource_link`]: undefined,
      [`${DL}deep_linking_settings`]: {
        deep_link_return_url: `${x.lms.issuer}/deep-link-return`,
        accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['iframe', 'window'],
        accept_multiple: acceptMultiple,
        data: 'opaque-lms-data',
      },
    });

    test('a mentor picks a class in the content picker; the LMS gets a signed link that launches into it', async () => {
      const picker = await x.signIn({ sub: 'teacher-dl', role: 'instructor' }, deepLinkClaims());
      assert.ok(picker.deepLink, 'the launch opens the picker');
      const courseId = picker.course ?? '';
      const session = await makeSession(x.t, picker.token, courseId, { title: 'Dijkstra live' });

      const request = await x.t.request({ method: 'GET', url: `/api/lti/deep-links/${picker.deepLink}`, token: picker.token });
      assert.equal(request.statusCode, 200, request.body);
      assert.equal(request.json().courseId, courseId);
      assert.equal(request.json().acceptMultiple, true);

      const other = await x.t.request({
        method: 'POST',
        url: '/api/live-sessions',
        token: x.admin,
        body: { courseId: 'elsewhere', title: 'Other', scheduledStart: new Date(Date.now() + 3600_000).toISOString(), durationMinutes: 30 },
      });
      const notHers = await x.t.request({
        method: 'POST',
        url: `/api/lti/deep-links/${picker.deepLink}/response`,
        token: picker.token,
        body: { sessionIds: [other.json().id] },
      });
      await assertError(notHers, 404, 'SESSION_NOT_FOUND');

      const answered = await x.t.request({
        method: 'POST',
        url: `/api/lti/deep-links/${picker.deepLink}/response`,
        token: picker.token,
        body: { sessionIds: [session.id] },
      });
      assert.equal(answered.statusCode, 200, answered.body);
      const { returnUrl, jwt } = answered.json() as { returnUrl: string; jwt: string };
      assert.equal(returnUrl, `${x.lms.issuer}/deep-link-return`);
      // What the LMS checks: our JWKS, iss = its client id, aud = its issuer.
      const jwks = (await x.t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
      const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { issuer: x.lms.clientId, audience: x.lms.issuer });
      assert.equal(payload[`${LTI}message_type`], 'LtiDeepLinkingResponse');
      assert.equal(payload[`${LTI}version`], '1.3.0');
      assert.equal(payload[`${LTI}deployment_id`], x.lms.deploymentId);
      assert.equal(payload[`${DL}data`], 'opaque-lms-data');
      assert.deepEqual(payload[`${DL}content_items`], [
        { type: 'ltiResourceLink', title: 'Dijkstra live', url: LAUNCH_URL, custom: { session_id: session.id } },
      ]);
      assert.equal((await auditRows(x.t.db, { action: 'lti.deep_link', outcome: 'success' })).length, 1);

      const twice = await x.t.request({
        method: 'POST',
        url: `/api/lti/deep-links/${picker.deepLink}/response`,
        token: picker.token,
        body: { sessionIds: [session.id] },
      });
      await assertError(twice, 404, 'LTI_DEEP_LINK_NOT_FOUND');

      // A student launching the placed link lands in that class.
      const student = await x.signIn({ sub: 'learner-dl', role: 'learner' }, { [`${LTI}custom`]: { session_id: session.id } });
      assert.equal(student.session, session.id);
      assert.equal(student.course, courseId);
    });

    test('one class only when the LMS accepts one; nobody else may answer the request', async () => {
      const picker = await x.signIn({ sub: 'teacher-dl2', role: 'instructor' }, deepLinkClaims(false));
      const a = await makeSession(x.t, picker.token, picker.course ?? '');
      const b = await makeSession(x.t, picker.token, picker.course ?? '');
      const two = await x.t.request({
        method: 'POST',
        url: `/api/lti/deep-links/${picker.deepLink}/response`,
        token: picker.token,
        body: { sessionIds: [a.id, b.id] },
      });
      await assertError(two, 400, 'VALIDATION_FAILED');
      const colleague = await x.signIn({ sub: 'teacher-dl3', role: 'instructor' });
      const stolen = await x.t.request({
        method: 'POST',
        url: `/api/lti/deep-links/${picker.deepLink}/response`,
        token: colleague.token,
        body: { sessionIds: [a.id] },
      });
      await assertError(stolen, 404, 'LTI_DEEP_LINK_NOT_FOUND');

      // The web app's way: a same-origin form with the token in its body; the page posts the answer on to the LMS.
      const postForm = (form: Record<string, string>) =>
        x.t.app.inject({
          method: 'POST',
          url: `/lti/deep-links/${picker.deepLink}/return`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(form).toString(),
        });
      const unsigned = await postForm({ token: 'nope', sessionIds: a.id });
      assert.equal(unsigned.statusCode, 401);
      const page = await postForm({ token: picker.token, sessionIds: a.id });
      assert.equal(page.statusCode, 200, page.body);
      const data = pageData(page);
      assert.equal(data.returnUrl, `${x.lms.issuer}/deep-link-return`);
      assert.ok(data.jwt);
      assert.match(String(page.headers['content-security-policy']), new RegExp(`form-action 'self' ${x.lms.issuer}`));
    });

    test('a learner cannot open the content picker', async () => {
      const { res } = await x.launchAs({ sub: 'learner-dl2', role: 'learner' }, deepLinkClaims());
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /Only instructors and administrators can add classes/);
    });
  });
}
