/**
 * A mock LTI 1.3 platform (an LMS) on 127.0.0.1 for the LTI tests: its JWKS (rotatable), signed id_tokens, the OIDC
 * authentication request it checks, an OpenID configuration and a Dynamic Registration endpoint that checks what the
 * tool sends. Every request it receives is kept in `seen`.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';

const ROLE = {
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  ta: 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  admin: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
};
export type MockRole = keyof typeof ROLE;

export interface MockLms {
  issuer: string;
  clientId: string;
  deploymentId: string;
  seen: SeenRequest[];
  /** The manual registration body for POST /api/lti/platforms. */
  registration: () => Record<string, unknown>;
  /** Signs with a new key and publishes it; the old key is dropped from the JWKS unless `keepOld`. */
  rotate: (keepOld?: boolean) => Promise<void>;
  /** A key that is never published, for a forged token. */
  forgeKey: () => Promise<{ kid: string; key: PrivateKey }>;
  /**
   * The platform's answer to our authentication request: checks every parameter we sent and signs an id_token for
   * `user` with the request's nonce. `claims` override or add claims (a value of undefined removes one).
   */
  authenticate: (
    authUrl: string,
    user: { sub: string; role: MockRole; name?: string },
    claims?: Record<string, unknown>,
    opts?: SignOpts,
  ) => Promise<string>;
  /** Signs an id_token with exactly these claims (plus iat/exp unless given). */
  sign: (claims: Record<string, unknown>, opts?: SignOpts) => Promise<string>;
  /** People the browser side (`/course?user=`, `/auth`) knows, by login_hint. */
  users: Map<string, { sub: string; role: MockRole; name?: string; claims?: Record<string, unknown> }>;
  /** The JWTs the tool's Deep Linking answers posted to `/deep-link-return`. */
  deepLinkReturns: string[];
  /** What the Dynamic Registration endpoint answers and received. */
  dynamic: { registrationToken: string; deploymentId: string | undefined; clientId: string; received: Record<string, unknown>[] };
  close: () => Promise<void>;
}

interface SignOpts {
  key?: { kid: string; key: PrivateKey };
  expiresInSeconds?: number;
}

async function newKey() {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return { kid, key: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } as JWK };
}

/**
 * `launchUrl` may be set after start (a browser test learns the tool's port later). The browser side: `/course` is a
 * course page with the tool in an iframe (and the postMessage storage the spec describes, when `storage`), `/auth`
 * answers the authentication request with the auto-posted id_token, as a platform does. `clientId` and `tokenUrl`
 * make this LMS one whole platform with a separate service server (lti.service-token.mock-platform.ts): the client id
 * that server expects in our client assertions, and its token endpoint, advertised in the OpenID configuration.
 */
export async function startMockLms(opts: {
  launchUrl: string;
  host?: string;
  storage?: boolean;
  clientId?: string;
  tokenUrl?: string;
}): Promise<MockLms> {
  const seen: SeenRequest[] = [];
  let keys = [await newKey()];
  const dynamic = {
    registrationToken: `reg-${randomUUID()}`,
    deploymentId: 'dyn-deployment-1' as string | undefined,
    clientId: `dyn-${randomUUID()}`,
    received: [] as Record<string, unknown>[],
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', issuer);
      seen.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (url.pathname === '/jwks') return json(200, { keys: keys.map((k) => k.jwk) });
      const html = (status: number, page: string) => {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page);
      };
      if (url.pathname === '/deep-link-return' && req.method === 'POST') {
        deepLinkReturns.push(new URLSearchParams(body).get('JWT') ?? '');
        return html(200, '<!doctype html><html lang="en"><head><title>Placed</title></head><body><h1>Content added</h1></body></html>');
      }
      if (url.pathname === '/course') return html(200, coursePage(url.searchParams.get('user') ?? 'student-1'));
      if (url.pathname === '/auth') {
        const user = users.get(url.searchParams.get('login_hint') ?? '');
        if (!user) return html(400, 'unknown login_hint');
        authenticate(url.toString(), user, user.claims).then(
          (idToken) =>
            html(
              200,
              `<form method="post" action="${opts.launchUrl}"><input type="hidden" name="id_token" value="${idToken}"><input type="hidden" name="state" value="${url.searchParams.get('state')}"></form><script>document.forms[0].submit()</script>`,
            ),
          (err: Error) => html(400, err.message),
        );
        return;
      }
      if (url.pathname === '/.well-known/openid-configuration') {
        return json(200, {
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: opts.tokenUrl ?? `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          registration_endpoint: `${issuer}/register`,
          'https://purl.imsglobal.org/spec/lti-platform-configuration': { product_family_code: 'mocklms', version: '1.0' },
        });
      }
      if (url.pathname === '/register' && req.method === 'POST') {
        if (req.headers.authorization !== `Bearer ${dynamic.registrationToken}`) return json(401, { error: 'invalid_token' });
        const sent = JSON.parse(body) as Record<string, unknown>;
        dynamic.received.push(sent);
        return json(200, {
          ...sent,
          client_id: dynamic.clientId,
          'https://purl.imsglobal.org/spec/lti-tool-configuration': {
            ...(sent['https://purl.imsglobal.org/spec/lti-tool-configuration'] as object),
            ...(dynamic.deploymentId ? { deployment_id: dynamic.deploymentId } : {}),
          },
        });
      }
      json(404, { error: 'not_found' });
    });
  });
  server.listen(0, opts.host ?? '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://${opts.host === '::' ? 'localhost' : '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  /** People the browser side can sign in as, by login_hint. */
  const users: MockLms['users'] = new Map();
  const deepLinkReturns: string[] = [];
  /** The LMS's course page: the tool launched in an iframe, with the platform's postMessage storage on `_parent`. */
  const coursePage = (sub: string) => {
    const login = new URL(opts.launchUrl.replace(/\/launch$/, '/login'));
    login.search = new URLSearchParams({
      iss: issuer,
      login_hint: sub,
      target_link_uri: opts.launchUrl,
      client_id: clientId,
      lti_deployment_id: deploymentId,
      ...(opts.storage ? { lti_storage_target: '_parent' } : {}),
    }).toString();
    const storage = `const store = {};
addEventListener('message', (e) => {
  const m = e.data || {};
  if (m.subject === 'lti.put_data') store[m.key] = m.value;
  if (m.subject === 'lti.put_data' || m.subject === 'lti.get_data') {
    e.source.postMessage({ subject: m.subject + '.response', message_id: m.message_id, key: m.key, value: store[m.key] }, e.origin);
  }
});`;
    return `<!doctype html><html lang="en"><head><title>Mock LMS course</title></head><body><h1>Algorithms 101</h1>${opts.storage ? `<script>${storage}</script>` : ''}<iframe name="tool" title="Skill Probe Live" src="${login}" style="width: 1200px; height: 800px"></iframe></body></html>`;
  };
  const clientId = opts.clientId ?? `client-${randomUUID()}`;
  const deploymentId = 'deployment-1';

  const sign: MockLms['sign'] = async (claims, signOpts = {}) => {
    const signer = signOpts.key ?? keys[keys.length - 1];
    if (!signer) throw new Error('no key');
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = { iat: now, exp: now + (signOpts.expiresInSeconds ?? 300), ...claims };
    for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: 'JWT' }).sign(signer.key);
  };

  const authenticate: MockLms['authenticate'] = async (authUrl, user, claims = {}, signOpts) => {
    const url = new URL(authUrl);
    const q = url.searchParams;
    const expect = (name: string, value: string) => {
      if (q.get(name) !== value) throw new Error(`mock LMS: auth request ${name}=${q.get(name)}, expected ${value}`);
    };
    if (`${url.origin}${url.pathname}` !== `${issuer}/auth`) throw new Error(`mock LMS: auth request to ${url.origin}${url.pathname}`);
    expect('scope', 'openid');
    expect('response_type', 'id_token');
    expect('response_mode', 'form_post');
    expect('prompt', 'none');
    expect('client_id', clientId);
    expect('redirect_uri', opts.launchUrl);
    expect('login_hint', user.sub);
    if (!q.get('state') || !q.get('nonce')) throw new Error('mock LMS: auth request without state or nonce');
    return sign(
      {
        iss: issuer,
        aud: clientId,
        sub: user.sub,
        nonce: q.get('nonce'),
        name: user.name ?? `User ${user.sub}`,
        email: `${user.sub}@lms.test`,
        [`${LTI}message_type`]: 'LtiResourceLinkRequest',
        [`${LTI}version`]: '1.3.0',
        [`${LTI}deployment_id`]: deploymentId,
        [`${LTI}target_link_uri`]: opts.launchUrl,
        [`${LTI}resource_link`]: { id: 'rl-1', title: 'Live classes' },
        [`${LTI}roles`]: [ROLE[user.role]],
        [`${LTI}context`]: { id: 'ctx-101', label: 'CS101', title: 'Algorithms 101', type: ['CourseOffering'] },
        'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': {
          context_memberships_url: `${issuer}/nrps/ctx-101`,
          service_versions: ['2.0'],
        },
        'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
          scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'],
          lineitems: `${issuer}/ags/ctx-101/lineitems`,
        },
        ...claims,
      },
      signOpts,
    );
  };

  return {
    issuer,
    clientId,
    deploymentId,
    seen,
    dynamic,
    users,
    deepLinkReturns,
    registration: () => ({
      name: 'Mock LMS',
      issuer,
      clientId,
      deploymentIds: [deploymentId],
      authLoginUrl: `${issuer}/auth`,
      tokenUrl: opts.tokenUrl ?? `${issuer}/token`,
      jwksUrl: `${issuer}/jwks`,
    }),
    rotate: async (keepOld = false) => {
      const fresh = await newKey();
      keys = keepOld ? [...keys, fresh] : [fresh];
    },
    forgeKey: async () => {
      const k = await newKey();
      return { kid: k.kid, key: k.key };
    },
    authenticate,
    sign,
    close: async () => {
      server.close();
      server.closeAllConnections();
      await once(server, 'close');
    },
  };
}
