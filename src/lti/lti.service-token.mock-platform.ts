/**
 * A mock LTI platform for tests: an OAuth 2 token endpoint that checks our client assertion against our published
 * JWKS (as a real platform does), a paged NRPS membership service and AGS line items and scores. It records every
 * request, and can be told to fail the next calls to a path.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { CLIENT_ASSERTION_TYPE, LTI_SCOPES } from './lti.service-token.ts';

export interface MockMember {
  user_id: string;
  roles: string[];
  status?: string;
  name?: string;
  email?: string;
}

export interface MockLineItem {
  id: string;
  label: string;
  scoreMaximum: number;
  resourceId?: string;
  tag?: string;
  scores: Record<string, unknown>[];
}

/** An answer a test gives in the platform's place. */
export interface MockAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface MockPlatform {
  url: string;
  tokenUrl: string;
  nrpsUrl: string;
  lineItemsUrl: string;
  clientId: string;
  members: MockMember[];
  pageSize: number;
  lineItems: MockLineItem[];
  /** Every request, in order: method, path (with query), and for the token endpoint the scopes asked. */
  requests: { method: string; path: string; scope?: string }[];
  /** Tokens issued: how many times the token endpoint answered 200. */
  tokensIssued: () => number;
  /** Every token issued so far stops working (revoked before its time). */
  revokeTokens: () => void;
  /** The next `times` requests whose path starts with `prefix` are answered `status`, with `body` when given. */
  fail: (prefix: string, status: number, times?: number, body?: unknown) => void;
  /**
   * Consulted before the platform's own routes (after injected failures): an answer given is sent as is, without
   * checking the token; undefined lets the platform answer. May act first (a test's "meanwhile").
   */
  answer?: (method: string, path: string, query: URLSearchParams) => MockAnswer | undefined | Promise<MockAnswer | undefined>;
  /** A score posted for one of these LMS user ids is answered with its status (the LMS refusing that student). */
  scoreRefusals: Record<string, number>;
  close: () => Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the platform on 127.0.0.1 and a free port. `jwks` is read at each token request (keys may rotate). */
export async function startMockPlatform(opts: { clientId?: string; jwks: () => Promise<JSONWebKeySet> }): Promise<MockPlatform> {
  const clientId = opts.clientId ?? 'tool-client-1';
  const tokens = new Map<string, string[]>();
  const usedJti = new Set<string>();
  const failures: { prefix: string; status: number; times: number; body: unknown }[] = [];
  let issued = 0;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const platform: MockPlatform = {
    url,
    tokenUrl: `${url}/token`,
    nrpsUrl: `${url}/nrps/ctx-1`,
    lineItemsUrl: `${url}/ags/ctx-1/lineitems`,
    clientId,
    members: [],
    pageSize: 2,
    lineItems: [],
    requests: [],
    tokensIssued: () => issued,
    revokeTokens: () => tokens.clear(),
    fail: (prefix, status, times = 1, body = { error: 'injected failure' }) => failures.push({ prefix, status, times, body }),
    scoreRefusals: {},
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  function scopesOf(req: IncomingMessage): string[] | undefined {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return bearer ? tokens.get(bearer) : undefined;
  }

  async function token(req: IncomingMessage, res: ServerResponse) {
    const form = new URLSearchParams(await readBody(req));
    const request = platform.requests.at(-1);
    if (request) request.scope = form.get('scope') ?? undefined;
    if (form.get('grant_type') !== 'client_credentials' || form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      return json(res, 400, { error: 'unsupported_grant_type' });
    }
    try {
      const { payload, protectedHeader } = await jwtVerify(form.get('client_assertion') ?? '', createLocalJWKSet(await opts.jwks()), {
        issuer: clientId,
        subject: clientId,
        audience: platform.tokenUrl,
        algorithms: ['RS256'],
      });
      if (!protectedHeader.kid || !payload.jti || usedJti.has(payload.jti)) return json(res, 401, { error: 'invalid_client' });
      usedJti.add(payload.jti);
    } catch (err) {
      return json(res, 401, { error: 'invalid_client', error_description: (err as Error).message });
    }
    const access = randomUUID();
    tokens.set(access, (form.get('scope') ?? '').split(' '));
    issued++;
    json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 3600, scope: form.get('scope') });
  }

  function nrps(req: IncomingMessage, res: ServerResponse, query: URLSearchParams) {
    if (!scopesOf(req)?.includes(LTI_SCOPES.nrps)) return json(res, 401, { error: 'invalid_token' });
    const page = Number(query.get('page') ?? 1);
    const start = (page - 1) * platform.pageSize;
    const members = platform.members.slice(start, start + platform.pageSize);
    const more = start + platform.pageSize < platform.members.length;
    // A relative next link, as some platforms send: the client resolves it against the page's URL.
    const headers: Record<string, string> = more ? { link: `</nrps/ctx-1?page=${page + 1}>; rel="next"` } : {};
    json(res, 200, { id: platform.nrpsUrl, context: { id: 'ctx-1' }, members }, headers);
  }

  async function lineItems(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) {
    const scopes = scopesOf(req) ?? [];
    if (req.method === 'GET' && path === '/ags/ctx-1/lineitems') {
      if (!scopes.includes(LTI_SCOPES.lineItem) && !scopes.includes(LTI_SCOPES.lineItemReadOnly)) return json(res, 401, {});
      const found = platform.lineItems.filter(
        (li) =>
          (!query.get('resource_id') || li.resourceId === query.get('resource_id')) && (!query.get('tag') || li.tag === query.get('tag')),
      );
      return json(
        res,
        200,
        found.map(({ scores: _s, ...li }) => li),
      );
    }
    if (req.method === 'POST' && path === '/ags/ctx-1/lineitems') {
      if (!scopes.includes(LTI_SCOPES.lineItem)) return json(res, 401, {});
      const body = JSON.parse(await readBody(req)) as Omit<MockLineItem, 'id' | 'scores'>;
      const item: MockLineItem = { ...body, id: `${platform.lineItemsUrl}/${platform.lineItems.length + 1}`, scores: [] };
      platform.lineItems.push(item);
      return json(res, 201, { ...body, id: item.id });
    }
    const scoreMatch = /^\/ags\/ctx-1\/lineitems\/(\d+)\/scores$/.exec(path);
    if (req.method === 'POST' && scoreMatch) {
      if (!scopes.includes(LTI_SCOPES.score)) return json(res, 401, {});
      if (req.headers['content-type'] !== 'application/vnd.ims.lis.v1.score+json') return json(res, 415, {});
      const item = platform.lineItems[Number(scoreMatch[1]) - 1];
      if (!item) return json(res, 404, {});
      const score = JSON.parse(await readBody(req)) as { userId: string };
      const refusal = platform.scoreRefusals[score.userId];
      if (refusal) return json(res, refusal, { error: 'user not in context' });
      item.scores.push(score);
      res.writeHead(204).end();
      return;
    }
    json(res, 404, { error: 'not found' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const full = new URL(req.url ?? '/', url);
    platform.requests.push({ method: req.method ?? 'GET', path: `${full.pathname}${full.search}` });
    const failure = failures.find((f) => f.times > 0 && full.pathname.startsWith(f.prefix));
    if (failure) {
      failure.times--;
      await readBody(req);
      return typeof failure.body === 'string'
        ? res.writeHead(failure.status, { 'content-type': 'text/plain' }).end(failure.body)
        : json(res, failure.status, failure.body);
    }
    const answer = await platform.answer?.(req.method ?? 'GET', full.pathname, full.searchParams);
    if (answer) {
      await readBody(req);
      return json(res, answer.status, answer.body, answer.headers);
    }
    if (full.pathname === '/token' && req.method === 'POST') return token(req, res);
    if (full.pathname === '/nrps/ctx-1') return nrps(req, res, full.searchParams);
    if (full.pathname.startsWith('/ags/ctx-1/')) return lineItems(req, res, full.pathname, full.searchParams);
    json(res, 404, { error: 'not found' });
  }

  return platform;
}

/** A host that is not the platform (an internal address, another site): records whatever reaches it, answers 200. */
export async function startBystander(): Promise<{
  url: string;
  hits: { path: string; authorization?: string }[];
  close: () => Promise<void>;
}> {
  const hits: { path: string; authorization?: string }[] = [];
  const server = createServer((req, res) => {
    hits.push({ path: req.url ?? '/', authorization: req.headers.authorization });
    json(res, 200, [{ id: 'http://169.254.169.254/latest/meta-data/', secret: 'instance credentials' }]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
