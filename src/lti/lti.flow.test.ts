/**
 * The whole LTI story against one LMS, as an institution sees it: registration, launches, the roster from the LMS,
 * Deep Linking, a class, and its grades back in the LMS's gradebook. The LMS is two local servers: the mock LMS
 * (OIDC login, id_tokens, JWKS, Dynamic Registration, the Deep Linking return) and the service mock (token endpoint,
 * NRPS, AGS). The dynamic path registers it: the mock LMS advertises the service mock's token endpoint in its
 * OpenID configuration, as one platform with a separate service host does, so no manual registration is needed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { eventually } from '../test/eventually.ts';
import { auditRows, dbTargets, makeTestApp, type TestApp } from '../test/harness.ts';
import { LTI, type MockLms, type MockRole, startMockLms } from '../test/mock-lms.ts';
import { quickEnv, type Receiver, registerEndpoint, startReceiver, verify } from '../webhooks/webhooks.fixture.ts';
import { LAUNCH_URL, landing, PUBLIC_URL, pageData } from './lti.fixture.ts';
import { type MockPlatform, startMockPlatform } from './lti.service-token.mock-platform.ts';
import { LTI_SCOPES } from './lti.service-token.ts';

const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
const ROLE = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const env = { PUBLIC_URL, LTI_GRADE_RETRY_BASE_MS: '30', LTI_GRADE_RETRY_MAX_MS: '60', LTI_GRADE_MAX_ATTEMPTS: '3', ...quickEnv };
const teacher = { sub: 'teacher-1', role: 'instructor' as MockRole, name: 'Ada Teacher' };
const learner = { sub: 'learner-1', role: 'learner' as MockRole, name: 'Lee Learner' };
const dropped = { sub: 'learner-3', role: 'learner' as MockRole, name: 'Dan Dropped' };

for (const target of await dbTargets('LTI full flow')) {
  describe(`LTI full flow with one LMS on ${target}`, () => {
    let t: TestApp;
    let lms: MockLms;
    let services: MockPlatform;
    let courseId = '';
    let sessionId = '';
    let placed: Record<string, unknown> = {};
    let rx: Receiver;
    let hookSecret = '';

    /** Our JWKS, fetched where the registration told the LMS it is (the LMS checks client assertions with it). */
    const toolJwks = async () => (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as JSONWebKeySet;

    before(async () => {
      services = await startMockPlatform({ jwks: toolJwks });
      lms = await startMockLms({ launchUrl: LAUNCH_URL, clientId: services.clientId, tokenUrl: services.tokenUrl });
      // The client the LMS hands out at registration is the one its launches name.
      lms.dynamic.clientId = lms.clientId;
      lms.dynamic.deploymentId = lms.deploymentId;
      t = await makeTestApp(target, env, { lti: { jwksCooldownMs: 0 } });
      rx = await startReceiver();
    });
    after(async () => {
      await t.close();
      await lms.close();
      await services.close();
      await rx.close();
    });

    /** What the LMS puts in every launch of this course: its context and where its NRPS and AGS services are. */
    const courseClaims = (extra: Record<string, unknown> = {}) => ({
      [`${LTI}context`]: { id: 'ctx-1', label: 'CS101', title: 'Algorithms 101', type: ['CourseOffering'] },
      'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': {
        context_memberships_url: services.nrpsUrl,
        service_versions: ['2.0'],
      },
      'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
        scope: [LTI_SCOPES.lineItem, LTI_SCOPES.score],
        lineitems: services.lineItemsUrl,
      },
      ...extra,
    });

    /** A browser's whole launch: login initiation, the LMS's authentication answer, the auto-posted form. */
    async function attempt(user: { sub: string; role: MockRole; name: string }, extra?: Record<string, unknown>) {
      const { issuer: iss, clientId: client_id, deploymentId: lti_deployment_id } = lms;
      const query = new URLSearchParams({ iss, login_hint: user.sub, target_link_uri: LAUNCH_URL, client_id, lti_deployment_id });
      const login = await t.app.inject({ method: 'GET', url: `/lti/login?${query}` });
      assert.equal(login.statusCode, 302, login.body);
      const authUrl = String(login.headers.location);
      const form = {
        id_token: await lms.authenticate(authUrl, user, courseClaims(extra)),
        state: new URL(authUrl).searchParams.get('state') ?? '',
      };
      const post = () =>
        t.app.inject({
          method: 'POST',
          url: '/lti/launch',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: String(login.headers['set-cookie']).split(';')[0] },
          payload: new URLSearchParams(form).toString(),
        });
      return { res: await post(), replay: post };
    }
    /** A launch that signs the user in: where the web app lands. */
    async function launch(user: { sub: string; role: MockRole; name: string }, extra?: Record<string, unknown>) {
      const { res, replay } = await attempt(user, extra);
      assert.equal(res.statusCode, 200, res.body);
      return { ...landing(pageData(res).url ?? ''), replay };
    }
    const deepLinkRequest = () => ({
      [`${LTI}message_type`]: 'LtiDeepLinkingRequest',
      [`${LTI}resource_link`]: undefined,
      [`${DL}deep_linking_settings`]: {
        deep_link_return_url: `${lms.issuer}/deep-link-return`,
        accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['iframe'],
        data: 'lms-state',
      },
    });

    const get = (url: string, token: string) => t.request({ method: 'GET', url, token });
    /** A call that must succeed; its body. */
    const ok = async (method: 'POST' | 'PUT', url: string, token: string, body?: unknown) => {
      const res = await t.request({ method, url, token, body });
      assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.json();
    };
    const course = (path: string) => `/api/courses/${encodeURIComponent(courseId)}/${path}`;
    const roster = async (token: string) =>
      ((await get(course('members'), token)).json().members as { name: string; role: string }[]).map((m) => `${m.name}:${m.role}`).sort();
    /** The launch-time roster sync runs in the background: wait until the roster reads as expected. */
    const rosterBecomes = (token: string, expected: string[]) =>
      eventually(async () => JSON.stringify(await roster(token)) === JSON.stringify(expected), `roster ${expected.join(', ')}`);

    test("an admin's registration link registers the LMS by Dynamic Registration", async () => {
      const admin = await t.token({ sub: 'it-admin', role: 'admin', name: 'IT Admin' });
      const link = new URL((await ok('POST', '/api/lti/registration-links', admin)).url);
      link.searchParams.set('openid_configuration', `${lms.issuer}/.well-known/openid-configuration`);
      link.searchParams.set('registration_token', lms.dynamic.registrationToken);
      const opened = await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
      assert.equal(opened.statusCode, 200, opened.body);
      const [platform] = (await get('/api/lti/platforms', admin)).json().platforms;
      assert.deepEqual(
        [platform.registeredVia, platform.clientId, platform.deploymentIds, platform.tokenUrl],
        ['dynamic', lms.clientId, [lms.deploymentId], services.tokenUrl],
      );
      assert.equal(lms.dynamic.received[0]?.jwks_uri, `${PUBLIC_URL}/.well-known/jwks.json`);
      hookSecret = (await registerEndpoint(t, admin, rx.url, ['grade.published'])).secret;
    });

    test("an instructor's first launch makes the course; its roster sync reads every page of the LMS's members", async () => {
      services.members = [
        { user_id: teacher.sub, roles: [`${ROLE}Instructor`], name: teacher.name },
        { user_id: learner.sub, roles: [`${ROLE}Learner`], name: learner.name },
        { user_id: 'learner-2', roles: [`${ROLE}Learner`], name: 'Kim Away' },
        { user_id: dropped.sub, roles: [`${ROLE}Learner`], name: dropped.name },
        { user_id: 'ta-1', roles: [`${ROLE.slice(0, -1)}/Instructor#TeachingAssistant`], name: 'Tom TA' },
      ];
      const where = await launch(teacher);
      courseId = where.course ?? '';
      assert.match(courseId, /ctx-1$/);
      await rosterBecomes(where.token, [
        'Ada Teacher:mentor',
        'Dan Dropped:student',
        'Kim Away:student',
        'Lee Learner:student',
        'Tom TA:mentor',
      ]);
      assert.equal(services.requests.filter((r) => r.path.startsWith('/nrps/')).length, 3, 'five members in pages of two');
    });

    test('a learner launches and lands signed in on the course; a replayed form and the picker for a learner are refused', async () => {
      const where = await launch(learner);
      assert.equal(where.course, courseId);
      const classes = await get(`/api/live-sessions?${new URLSearchParams({ courseId })}`, where.token);
      assert.equal(classes.statusCode, 200, 'our own token opens the course the LMS launched into');
      const replayed = await where.replay();
      assert.equal(replayed.statusCode, 401, 'the same launch form twice is refused');
      assert.match(replayed.body, /LTI_LAUNCH_REFUSED/);
      const picker = await attempt(learner, deepLinkRequest());
      assert.equal(picker.res.statusCode, 401, 'a learner cannot open the content picker');
      assert.match(picker.res.body, /Only instructors and administrators can add classes/);
    });

    test('the instructor places a class through the content picker; the LMS verifies the signed answer', async () => {
      const picker = await launch(teacher, deepLinkRequest());
      assert.ok(picker.deepLink, 'the launch opens the picker');
      const body = { courseId, title: 'Shortest paths', scheduledStart: new Date(Date.now() + 60_000).toISOString(), durationMinutes: 60 };
      sessionId = (await ok('POST', '/api/live-sessions', picker.token, body)).id;
      const answer = await ok('POST', `/api/lti/deep-links/${picker.deepLink}/response`, picker.token, { sessionIds: [sessionId] });
      const { returnUrl, jwt } = answer as { returnUrl: string; jwt: string };
      // The picker page auto-posts the answer to the LMS; the LMS checks it against our published keys.
      const posted = await fetch(returnUrl, { method: 'POST', body: new URLSearchParams({ JWT: jwt }) });
      assert.equal(posted.status, 200);
      const received = lms.deepLinkReturns.at(-1) ?? '';
      const { payload } = await jwtVerify(received, createLocalJWKSet(await toolJwks()), { issuer: lms.clientId, audience: lms.issuer });
      assert.equal(payload[`${LTI}message_type`], 'LtiDeepLinkingResponse');
      assert.equal(payload[`${DL}data`], 'lms-state');
      [placed = {}] = payload[`${DL}content_items`] as Record<string, unknown>[];
      assert.deepEqual(placed, { type: 'ltiResourceLink', title: 'Shortest paths', url: LAUNCH_URL, custom: { session_id: sessionId } });
    });

    /** A launch of the placed link: the LMS sends the content item's custom parameters. */
    const launchPlaced = (user: typeof learner) =>
      launch(user, { [`${LTI}resource_link`]: { id: 'rl-placed', title: placed.title }, [`${LTI}custom`]: placed.custom });

    test('the class runs; a member the LMS dropped is removed at the next sync, their attendance closed', async () => {
      const mentor = await launchPlaced(teacher);
      assert.equal(mentor.session, sessionId);
      await ok('PUT', `/api/live-sessions/${sessionId}`, mentor.token, { status: 'live' });
      const dan = await launchPlaced(dropped);
      const lee = await launchPlaced(learner);
      assert.deepEqual([dan.session, lee.session], [sessionId, sessionId], 'the placed link lands in the class');
      for (const token of [dan.token, lee.token]) await ok('POST', `/api/live-sessions/${sessionId}/join`, token);

      // Dan leaves the course in the LMS; the next launch after the sync interval (rewound here) brings that news.
      services.members = services.members.filter((m) => m.user_id !== dropped.sub);
      await t.db
        .updateTable('lti_contexts')
        .set({ roster_synced_at: new Date(Date.now() - 3600_000) })
        .execute();
      await launchPlaced(learner);
      await rosterBecomes(mentor.token, ['Ada Teacher:mentor', 'Kim Away:student', 'Lee Learner:student', 'Tom TA:mentor']);
      const segments = await t.db.selectFrom('session_attendance').selectAll().where('session_id', '=', sessionId).execute();
      const dans = segments.filter((s) => s.user_id.endsWith(`:${dropped.sub}`));
      assert.ok(dans.length > 0 && dans.every((s) => s.left_at instanceof Date), "Dan's open attendance was closed");
      assert.equal((await get(`/api/live-sessions/${sessionId}`, dan.token)).statusCode, 404, 'Dan no longer sees the class');
    });

    test("after class the attendance grades reach the LMS's line item, a 5xx retried once, and a webhook tells", async () => {
      const mentor = await launch(teacher);
      // The class lasted seconds: whoever came counts as present (the defaults need a minute and 75% of the class).
      await ok('PUT', course('settings'), mentor.token, { attendance: { minimumMinutes: 0, presentPercent: 1 } });
      await ok('PUT', course('lti-grades'), mentor.token, { attendance: 'status', quizzes: false });
      // The LMS's first answer to a score is a 503: the publication is retried and posts into the same line item.
      services.fail('/ags/ctx-1/lineitems/1/scores', 503, 1);
      await ok('PUT', `/api/live-sessions/${sessionId}`, mentor.token, { status: 'completed' });

      const report = await eventually(async () => {
        const r = (await get(`/api/live-sessions/${sessionId}/report`, mentor.token)).json();
        return r.ltiGrades?.[0]?.status === 'sent' && r;
      }, 'attendance grades sent');
      const [published] = report.ltiGrades as { kind: string; attempts: number; scoresSent: number; lineItemUrl: string }[];
      assert.deepEqual([published?.kind, published?.attempts, published?.scoresSent], ['attendance', 2, 2]);
      assert.equal(services.lineItems.length, 1, 'one gradebook column, however many attempts');
      const item = services.lineItems.find((li) => li.id === published?.lineItemUrl);
      assert.deepEqual([item?.label, item?.resourceId, item?.scoreMaximum], ['Shortest paths — attendance', sessionId, 1]);
      const scores = Object.fromEntries(item?.scores.map((s) => [s.userId, [s.scoreGiven, s.comment]]) ?? []);
      assert.deepEqual(scores, { [learner.sub]: [1, 'Attendance: present'], 'learner-2': [0, 'Attendance: absent'] });
      assert.equal((await auditRows(t.db, { action: 'lti.grades.sent' })).length, 1);

      await eventually(() => rx.received[0], 'grade.published delivered');
      const told = rx.received.map((r) => verify(hookSecret, r));
      assert.deepEqual(
        told.map((w) => [w.type, w.data.sessionId, (w.data.grade as { lineItemUrl: string }).lineItemUrl]),
        [['grade.published', sessionId, item?.id]],
      );
    });
  });
}
