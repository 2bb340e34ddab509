/**
 * A local stand-in for Google's OAuth token endpoint and Calendar API v3 (events insert / get / patch / delete), on
 * 127.0.0.1, speaking the documented shapes. Tests point GOOGLE_TOKEN_URL and GOOGLE_API_ROOT_URL at it, script
 * failures, and read back every request it saw.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: any;
  authorization: string | undefined;
}

export interface Scripted {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type ConferenceMode = 'success' | 'failure' | { pendingGets: number };

const EVENTS = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/;

export const rateLimited = (reason: 'rateLimitExceeded' | 'userRateLimitExceeded' = 'rateLimitExceeded'): Scripted => ({
  status: 403,
  body: {
    error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason, message: 'Rate Limit Exceeded' }] },
  },
});
export const tooMany = (retryAfterSeconds?: number): Scripted => ({
  status: 429,
  body: { error: { code: 429, message: 'Too Many Requests', errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded' }] } },
  ...(retryAfterSeconds !== undefined && { headers: { 'retry-after': String(retryAfterSeconds) } }),
});
export const serverError = (): Scripted => ({
  status: 500,
  body: { error: { code: 500, message: 'Backend Error', errors: [{ reason: 'backendError' }] } },
});
export const forbidden = (): Scripted => ({
  status: 403,
  body: { error: { code: 403, message: 'You need to have writer access to this calendar.', errors: [{ reason: 'requiredAccessLevel' }] } },
});

export async function startFakeGoogle() {
  const requests: SeenRequest[] = [];
  const events = new Map<string, any>();
  const gets = new Map<string, number>();
  const script: { answer: Scripted; when: (r: SeenRequest) => boolean }[] = [];
  const issued = new Set<string>();
  const state = { conference: 'success' as ConferenceMode, tokenError: null as null | string, tokens: 0 };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err) => send(res, 500, { error: { code: 500, message: String(err) } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const form = (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
    const body = raw === '' ? undefined : form ? Object.fromEntries(new URLSearchParams(raw)) : JSON.parse(raw);
    const seen = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
    };
    requests.push(seen);
    if (url.pathname === '/token') return token(res);
    if (!issued.has(req.headers.authorization ?? '')) {
      return send(res, 401, { error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError' }] } });
    }
    const scripted = script.findIndex((s) => s.when(seen));
    if (scripted >= 0) {
      const { answer } = script.splice(scripted, 1)[0]!;
      return send(res, answer.status, answer.body, answer.headers);
    }
    const match = EVENTS.exec(url.pathname);
    if (!match) return send(res, 404, { error: { code: 404, message: 'Not Found' } });
    const eventId = match[2] ? decodeURIComponent(match[2]) : undefined;
    if (req.method === 'POST' && !eventId) return insert(res, body);
    const event = eventId ? events.get(eventId) : undefined;
    if (!event) return send(res, 404, { error: { code: 404, message: 'Not Found', errors: [{ reason: 'notFound' }] } });
    if (req.method === 'GET') return send(res, 200, advance(event));
    if (event.status === 'cancelled')
      return send(res, 410, { error: { code: 410, message: 'Resource has been deleted', errors: [{ reason: 'deleted' }] } });
    if (req.method === 'PATCH') return send(res, 200, Object.assign(event, body));
    if (req.method === 'DELETE') {
      event.status = 'cancelled';
      res.writeHead(204).end();
      return;
    }
    send(res, 405, { error: { code: 405, message: 'Method Not Allowed' } });
  }

  function token(res: ServerResponse) {
    if (state.tokenError) return send(res, 400, { error: state.tokenError, error_description: 'Token has been expired or revoked.' });
    state.tokens += 1;
    issued.add(`Bearer ya29.fake-${state.tokens}`);
    send(res, 200, {
      access_token: `ya29.fake-${state.tokens}`,
      expires_in: 3599,
      token_type: 'Bearer',
      scope: 'https://www.googleapis.com/auth/calendar.events',
    });
  }

  function insert(res: ServerResponse, body: any) {
    if (events.has(body.id)) {
      return send(res, 409, {
        error: { code: 409, message: 'The requested identifier already exists.', errors: [{ reason: 'duplicate' }] },
      });
    }
    const mode = state.conference;
    const statusCode = mode === 'success' ? 'success' : mode === 'failure' ? 'failure' : 'pending';
    const event = {
      kind: 'calendar#event',
      status: 'confirmed',
      ...body,
      conferenceData: { ...body.conferenceData, createRequest: { ...body.conferenceData?.createRequest, status: { statusCode } } },
    };
    if (statusCode === 'success') complete(event);
    if (typeof mode === 'object') gets.set(body.id, mode.pendingGets);
    events.set(body.id, event);
    send(res, 200, event);
  }

  /** A pending conference becomes ready after the scripted number of reads. */
  function advance(event: any) {
    const left = gets.get(event.id);
    if (left !== undefined) {
      if (left <= 1) {
        gets.delete(event.id);
        complete(event);
      } else gets.set(event.id, left - 1);
    }
    return event;
  }

  function complete(event: any) {
    // Meet codes are letters only (abc-mnop-xyz): the id's hex digits are mapped to letters.
    const letters = event.id.slice(-10).replace(/[0-9]/g, (d: string) => 'ghijklmnop'[Number(d)]);
    const code = letters.replace(/(...)(....)(...)/, '$1-$2-$3');
    event.conferenceData.createRequest.status = { statusCode: 'success' };
    event.conferenceData.entryPoints = [
      { entryPointType: 'video', uri: `https://meet.google.com/${code}`, label: `meet.google.com/${code}` },
    ];
    event.conferenceData.conferenceSolution = { key: { type: 'hangoutsMeet' }, name: 'Google Meet' };
    event.hangoutLink = `https://meet.google.com/${code}`;
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    base,
    requests,
    events,
    state,
    /** The next Calendar API requests (not token requests) get these answers, in order. */
    fail: (...answers: Scripted[]) => void script.push(...answers.map((answer) => ({ answer, when: () => true }))),
    /** The next Calendar API requests that match `when` get these answers, in order; others pass. */
    failWhen: (when: (r: SeenRequest) => boolean, ...answers: Scripted[]) =>
      void script.push(...answers.map((answer) => ({ answer, when }))),
    /** The grant is revoked: issued access tokens stop working and the token endpoint answers invalid_grant. */
    revoke: () => {
      issued.clear();
      state.tokenError = 'invalid_grant';
    },
    /** Inserts of events with this title (summary), as the fake saw them. */
    insertsOf: (title: string) => requests.filter((r) => r.method === 'POST' && r.path !== '/token' && r.body?.summary === title),
    /** The stored event with this title. */
    eventOf: (title: string) => [...events.values()].find((e) => e.summary === title),
    calendarRequests: (method?: string) => requests.filter((r) => r.path !== '/token' && (!method || r.method === method)),
    /** The environment that points the service at this fake with an OAuth refresh token. */
    env: (extra: Record<string, string> = {}): Record<string, string> => ({
      MEETING_PROVIDER: 'google',
      GOOGLE_CLIENT_ID: 'client-id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'fake-client-secret',
      GOOGLE_REFRESH_TOKEN: '1//fake-refresh-token',
      GOOGLE_API_ROOT_URL: `${base}/`,
      GOOGLE_TOKEN_URL: `${base}/token`,
      MEETING_RETRY_BASE_MS: '20',
      MEETING_RETRY_MAX_MS: '100',
      ...extra,
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));
}

export type FakeGoogle = Awaited<ReturnType<typeof startFakeGoogle>>;
