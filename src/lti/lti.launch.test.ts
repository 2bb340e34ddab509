import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auditRows, dbTargets } from '../test/harness.ts';
import { LTI } from '../test/mock-lms.ts';
import { LAUNCH_URL, landing, type LtiApp, makeLtiApp, pageData } from './lti.fixture.ts';
import { sweepExpired } from './lti.repo.ts';

for (const target of await dbTargets('LTI launch')) {
  describe(`LTI launch on ${target}`, () => {
    let x: LtiApp;
    before(async () => {
      x = await makeLtiApp(target);
    });
    after(() => x.close());

    const refusal = async (res: { statusCode: number; body: string }, reason: RegExp) => {
      assert.equal(res.statusCode, 401, res.body);
      assert.match(res.body, /LTI_LAUNCH_REFUSED/);
      assert.match(res.body, reason);
      const denied = await auditRows(x.t.db, { action: 'lti.launch', outcome: 'denied' });
      assert.match(
        String((denied.at(-1)?.details as { reason?: string } | null)?.reason),
        reason,
        'the refusal is audited with its reason',
      );
    };

    test('an instructor launch lands in the web app signed in, as mentor of the namespaced course', async () => {
      const where = await x.signIn({ sub: 'teacher-1', role: 'instructor', name: 'Ada Teacher' });
      const courseId = `${x.platform.courseIdPrefix}ctx-101`;
      assert.equal(where.course, courseId);
      // Our own token works on the API: the mentor reads the roster they are now on.
      const roster = await x.t.request({ method: 'GET', url: `/api/courses/${encodeURIComponent(courseId)}/members`, token: where.token });
      assert.equal(roster.statusCode, 200, roster.body);
      assert.deepEqual(
        roster.json().members.map((m: { userId: string; name: string; role: string }) => [m.userId, m.name, m.role]),
        [[`${x.platform.courseIdPrefix}teacher-1`, 'Ada Teacher', 'mentor']],
      );
      // The course is shown by the LMS's name for it, not its namespaced id.
      const course = await x.t.request({ method: 'GET', url: `/api/courses/${encodeURIComponent(courseId)}`, token: where.token });
      assert.deepEqual(course.json(), { courseId, title: 'Algorithms 101' });
      const context = await x.t.db.selectFrom('lti_contexts').selectAll().executeTakeFirstOrThrow();
      assert.equal(context.course_id, courseId);
      assert.equal(context.title, 'Algorithms 101');
      assert.equal(context.nrps_url, `${x.lms.issuer}/nrps/ctx-101`);
      assert.equal(context.ags_lineitems_url, `${x.lms.issuer}/ags/ctx-101/lineitems`);
      assert.deepEqual(context.ags_scopes, ['https://purl.imsglobal.org/spec/lti-ags/scope/score']);
      assert.deepEqual(x.launched.at(-1), {
        platformId: x.platform.id,
        userId: `${x.platform.courseIdPrefix}teacher-1`,
        courseId,
        role: 'mentor',
        messageType: 'LtiResourceLinkRequest',
      });
      assert.equal((await auditRows(x.t.db, { action: 'lti.launch', outcome: 'success' })).length, 1);
    });

    test('a learner becomes a student of the same course; an LMS administrator an admin, on no roster', async () => {
      const student = await x.signIn({ sub: 'learner-1', role: 'learner' });
      const courseId = `${x.platform.courseIdPrefix}ctx-101`;
      assert.equal(student.course, courseId);
      const roster = await x.t.db
        .selectFrom('course_members')
        .select(['user_id', 'role'])
        .where('course_id', '=', courseId)
        .orderBy('user_id')
        .execute();
      assert.deepEqual(roster, [
        { user_id: `${x.platform.courseIdPrefix}learner-1`, role: 'student' },
        { user_id: `${x.platform.courseIdPrefix}teacher-1`, role: 'mentor' },
      ]);
      const forbidden = await x.t.request({
        method: 'GET',
        url: `/api/courses/${encodeURIComponent(courseId)}/members`,
        token: student.token,
      });
      assert.equal(forbidden.statusCode, 403, 'a student may not read the roster');

      const admin = await x.signIn({ sub: 'root', role: 'admin' });
      const platforms = await x.t.request({ method: 'GET', url: '/api/lti/platforms', token: admin.token });
      assert.equal(platforms.statusCode, 200, 'the LMS administrator is an admin here');
      const onRoster = await x.t.db
        .selectFrom('course_members')
        .select('user_id')
        .where('user_id', '=', `${x.platform.courseIdPrefix}root`)
        .execute();
      assert.deepEqual(onRoster, []);
    });

    test('the same id_token posted again is refused: its state was used', async () => {
      const first = await x.launchAs({ sub: 'learner-2', role: 'learner' });
      assert.equal(first.res.statusCode, 200);
      const again = await x.postLaunch({ id_token: first.idToken, state: first.started.state }, first.started.cookie);
      await refusal(again, /state is unknown, expired or used already/);
    });

    test("an id_token replayed into another login is refused: the nonce is not that login's", async () => {
      const first = await x.launchAs({ sub: 'learner-3', role: 'learner' });
      const other = await x.login('learner-3');
      await refusal(
        await x.postLaunch({ id_token: first.idToken, state: other.state }, other.cookie),
        /nonce is not the one this login sent/,
      );
    });

    test('a launch without the browser binding (another browser, no cookie) is refused', async () => {
      const started = await x.login('learner-4');
      const idToken = await x.lms.authenticate(started.authUrl, { sub: 'learner-4', role: 'learner' });
      await refusal(await x.postLaunch({ id_token: idToken, state: started.state }), /bound to another browser/);
      const wrong = `${started.cookie.split('=')[0]}=not-the-secret`;
      await refusal(await x.postLaunch({ id_token: idToken, state: started.state }, wrong), /bound to another browser/);
    });

    test('wrong audience, unknown deployment, expired token and a forged key are each refused', async () => {
      const attempt = async (claims: Record<string, unknown>, opts?: Parameters<LtiApp['lms']['authenticate']>[3]) => {
        const started = await x.login('learner-5');
        const idToken = await x.lms.authenticate(started.authUrl, { sub: 'learner-5', role: 'learner' }, claims, opts);
        return x.postLaunch({ id_token: idToken, state: started.state }, started.cookie);
      };
      // Another client id of the same issuer is not registered: the platform is not found for that audience.
      await refusal(await attempt({ aud: 'someone-else' }), /No LTI platform is registered for issuer .* and client id someone-else/);
      await refusal(await attempt({ aud: [x.lms.clientId, 'someone-else'] }), /azp is not this tool/);
      await refusal(await attempt({ [`${LTI}deployment_id`]: 'deployment-9' }), /Deployment deployment-9 is not registered/);
      await refusal(await attempt({}, { expiresInSeconds: -120 }), /expired/);
      await refusal(await attempt({}, { key: await x.lms.forgeKey() }), /signed by a key the platform/);
      await refusal(await attempt({ [`${LTI}version`]: '1.1' }), /version/);
      await refusal(await attempt({ [`${LTI}message_type`]: 'LtiSubmissionReviewRequest' }), /message_type/);
    });

    test('a login from an unknown issuer or deployment, or for another tool, is refused before the LMS is asked', async () => {
      const unknown = await x.t.app.inject({
        method: 'GET',
        url: `/lti/login?iss=https%3A%2F%2Fevil.test&login_hint=u&target_link_uri=${encodeURIComponent(LAUNCH_URL)}`,
      });
      assert.equal(unknown.statusCode, 401);
      assert.match(unknown.body, /No LTI platform is registered for issuer https:\/\/evil.test/);
      const deployment = await x.login('u', { lti_deployment_id: 'nope' });
      assert.equal(deployment.res.statusCode, 401);
      const elsewhere = await x.login('u', { target_link_uri: 'https://elsewhere.test/lti/launch' });
      assert.equal(elsewhere.res.statusCode, 401);
      assert.match(elsewhere.res.body, /target_link_uri is not this tool/);
      const missing = await x.t.app.inject({ method: 'GET', url: '/lti/login?iss=x' });
      assert.equal(missing.statusCode, 401);
      assert.match(missing.body, /login_hint/);
      assert.ok((await auditRows(x.t.db, { action: 'lti.login', outcome: 'denied' })).length >= 4);
    });

    test('a launch from outside any course signs in without a course and puts nobody on a roster', async () => {
      const before = await x.t.db.selectFrom('course_members').select('user_id').execute();
      const where = await x.signIn({ sub: 'wanderer', role: 'learner' }, { [`${LTI}context`]: undefined });
      assert.equal(where.course, null);
      assert.ok(where.token);
      assert.equal((await x.t.db.selectFrom('course_members').select('user_id').execute()).length, before.length);
    });

    test('the platform rotating its key: launches signed with the new key pass', async () => {
      await x.lms.rotate();
      assert.ok(await x.signIn({ sub: 'learner-6', role: 'learner' }));
    });

    test('the login cookie is partitioned, cross-site and HTTP-only, and the auth request carries our launch URL', async () => {
      const started = await x.login('learner-7');
      assert.match(started.setCookie, /HttpOnly/);
      assert.match(started.setCookie, /Secure/);
      assert.match(started.setCookie, /SameSite=None/);
      assert.match(started.setCookie, /Partitioned/);
      assert.equal(new URL(started.authUrl).searchParams.get('redirect_uri'), LAUNCH_URL);
    });

    test("with the platform's postMessage storage, a launch without the cookie completes through the storage page", async () => {
      const started = await x.login('learner-8', { lti_storage_target: '_parent' });
      assert.equal(started.res.statusCode, 200);
      const stored = pageData(started.res);
      assert.equal(stored.storageTarget, '_parent');
      assert.equal(stored.platformOrigin, x.lms.issuer);
      const state = new URL(stored.authUrl ?? '').searchParams.get('state') ?? '';
      const idToken = await x.lms.authenticate(stored.authUrl ?? '', { sub: 'learner-8', role: 'learner' });
      const page = await x.postLaunch({ id_token: idToken, state });
      assert.equal(page.statusCode, 200);
      const reading = pageData(page);
      assert.equal(reading.key, stored.key);
      assert.equal(reading.completeUrl, '/api/lti/launch');
      const wrong = await x.t.request({ method: 'POST', url: '/api/lti/launch', body: { id_token: idToken, state, secret: 'guess' } });
      assert.equal(wrong.statusCode, 401);
      const done = await x.t.request({ method: 'POST', url: '/api/lti/launch', body: { id_token: idToken, state, secret: stored.value } });
      assert.equal(done.statusCode, 200, done.body);
      assert.equal(landing(done.json().redirect).course, `${x.platform.courseIdPrefix}ctx-101`);
    });

    test('a launch after its login expired is refused; expired states and used nonces are swept', async () => {
      const started = await x.login('learner-9');
      const idToken = await x.lms.authenticate(started.authUrl, { sub: 'learner-9', role: 'learner' });
      const past = new Date(Date.now() - 1000);
      await x.t.db.updateTable('lti_login_states').set({ expires_at: past }).where('state', '=', started.state).execute();
      await refusal(
        await x.postLaunch({ id_token: idToken, state: started.state }, started.cookie),
        /state is unknown, expired or used already/,
      );
      await x.t.db.updateTable('lti_nonces').set({ expires_at: past }).execute();
      const fresh = await x.login('learner-9');
      assert.ok((await sweepExpired(x.t.db)) >= 2);
      const states = await x.t.db.selectFrom('lti_login_states').select('state').execute();
      assert.deepEqual(states.map((r) => r.state).includes(started.state), false);
      assert.ok(
        states.some((r) => r.state === fresh.state),
        'a live login is kept',
      );
      assert.deepEqual(await x.t.db.selectFrom('lti_nonces').select('nonce').execute(), []);
    });

    test('the LMS reporting an error (login_required) shows it in words', async () => {
      const res = await x.postLaunch({ error: 'login_required', error_description: 'Sign in to the LMS first' });
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /Sign in to the LMS first/);
    });
  });
}
