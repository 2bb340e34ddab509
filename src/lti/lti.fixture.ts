import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { type DbTarget, makeTestApp, type TestApp } from '../test/harness.ts';
import { type MockLms, type MockRole, startMockLms } from '../test/mock-lms.ts';
import type { LaunchedInCourse } from './lti.deps.ts';

export const PUBLIC_URL = 'https://tool.test';
export const LAUNCH_URL = `${PUBLIC_URL}/lti/launch`;

/** The JSON data of one of the LTI pages (lti.pages.ts). */
export function pageData(res: LightMyRequestResponse): Record<string, string> {
  const match = /<script type="application\/json" id="lti-data">(.*?)<\/script>/s.exec(res.body);
  assert.ok(match?.[1], `no page data in ${res.statusCode} ${res.body.slice(0, 500)}`);
  return JSON.parse(match[1]) as Record<string, string>;
}

/** The token, course and session of a `/launch#…` redirect. */
export function landing(redirect: string) {
  assert.match(redirect, /^\/launch#/);
  const params = new URLSearchParams(redirect.slice('/launch#'.length));
  return {
    token: params.get('token') ?? '',
    course: params.get('course'),
    session: params.get('session'),
    deepLink: params.get('deepLink'),
  };
}

/** An app with PUBLIC_URL set, a mock LMS registered by an admin, and helpers to walk the login and launch. */
export async function makeLtiApp(target: DbTarget) {
  const launched: LaunchedInCourse[] = [];
  const lms: MockLms = await startMockLms({ launchUrl: LAUNCH_URL });
  const t: TestApp = await makeTestApp(target, { PUBLIC_URL }, { lti: { jwksCooldownMs: 0, onLaunched: (l) => launched.push(l) } });
  const admin = await t.token({ sub: 'lms-admin', role: 'admin', name: 'Admin' });
  const registered = await t.request({ method: 'POST', url: '/api/lti/platforms', token: admin, body: lms.registration() });
  assert.equal(registered.statusCode, 201, registered.body);
  const platform = registered.json() as { id: string; courseIdPrefix: string };

  /** OIDC login initiation; returns the platform's auth URL, the state and the binding cookie. */
  async function login(sub: string, extra: Record<string, string> = {}) {
    const query = new URLSearchParams({
      iss: lms.issuer,
      login_hint: sub,
      target_link_uri: LAUNCH_URL,
      client_id: lms.clientId,
      lti_deployment_id: lms.deploymentId,
      ...extra,
    });
    const res = await t.app.inject({ method: 'GET', url: `/lti/login?${query}` });
    const setCookie = String(res.headers['set-cookie'] ?? '');
    const cookie = setCookie.split(';')[0] ?? '';
    return {
      res,
      cookie,
      setCookie,
      authUrl: String(res.headers.location ?? ''),
      state: new URL(String(res.headers.location ?? 'http://x/')).searchParams.get('state') ?? '',
    };
  }

  /** Posts the launch form as the LMS makes the browser do. */
  const postLaunch = (form: Record<string, string>, cookie?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/lti/launch',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      payload: new URLSearchParams(form).toString(),
    });

  /** The whole flow for one user; returns the launch response. */
  async function launchAs(user: { sub: string; role: MockRole; name?: string }, claims?: Record<string, unknown>) {
    const started = await login(user.sub);
    assert.equal(started.res.statusCode, 302, started.res.body);
    const idToken = await lms.authenticate(started.authUrl, user, claims);
    return { res: await postLaunch({ id_token: idToken, state: started.state }, started.cookie), idToken, started };
  }

  /** A launch that must succeed: where it lands. */
  async function signIn(user: { sub: string; role: MockRole; name?: string }, claims?: Record<string, unknown>) {
    const { res } = await launchAs(user, claims);
    assert.equal(res.statusCode, 200, res.body);
    return landing(pageData(res).url ?? '');
  }

  return {
    t,
    lms,
    admin,
    platform,
    launched,
    login,
    postLaunch,
    launchAs,
    signIn,
    close: async () => {
      await t.close();
      await lms.close();
    },
  };
}

export type LtiApp = Awaited<ReturnType<typeof makeLtiApp>>;
