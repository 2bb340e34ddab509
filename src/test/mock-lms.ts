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

export async function startMockLms(opts: { launchUrl: string }): Promise<MockLms> {
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
      if (url.pathname === '/.well-known/openid-configuration') {
        return json(200, {
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
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
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = `client-${randomUUID()}`;
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
    registration: () => ({
      name: 'Mock LMS',
      issuer,
      clientId,
      deploymentIds: [deploymentId],
      authLoginUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
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
