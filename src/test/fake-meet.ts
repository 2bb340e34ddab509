/**
 * A local stand-in for the Google Meet REST API v2 (conferenceRecords, participants, participantSessions) and the
 * People API's people.get, on 127.0.0.1, speaking the documented shapes and paginating with small pages. Tests point
 * GOOGLE_MEET_API_ROOT_URL and GOOGLE_PEOPLE_API_ROOT_URL at it, script failures, and read back every request.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Scripted, SeenRequest } from './fake-google.ts';

export type FakeParticipantKind = { user: string; displayName: string } | { anonymous: string } | { phone: string };

export interface FakeParticipant {
  who: FakeParticipantKind;
  /** [start, end?] ISO times, one per participantSession. */
  sessions: [string, string?][];
}

interface FakeRecord {
  name: string;
  code: string;
  startTime: string;
  endTime?: string;
  participants: FakeParticipant[];
}

const FILTER = /^space\.meeting_code="([^"]+)" AND start_time>="([^"]+)" AND start_time<="([^"]+)"$/;
const PARTICIPANTS = /^\/v2\/(conferenceRecords\/[^/]+)\/participants$/;
const SESSIONS = /^\/v2\/(conferenceRecords\/[^/]+)\/participants\/([^/]+)\/participantSessions$/;
const PERSON = /^\/v1\/people\/([^/]+)$/;

/** Meet's answer when the token lacks the Meet scope (google.rpc.Status with an ErrorInfo reason). */
export const scopeMissing = (): Scripted => ({
  status: 403,
  body: {
    error: {
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      status: 'PERMISSION_DENIED',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com' },
      ],
    },
  },
});
/** Meet's answer to an account that is neither the meeting's owner nor a participant (another organisation's). */
export const permissionDenied = (): Scripted => ({
  status: 403,
  body: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } },
});
export const missing = (): Scripted => ({
  status: 404,
  body: { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } },
});
export const exhausted = (retryAfterSeconds?: number): Scripted => ({
  status: 429,
  body: { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } },
  ...(retryAfterSeconds !== undefined && { headers: { 'retry-after': String(retryAfterSeconds) } }),
});
export const unavailable = (): Scripted => ({
  status: 503,
  body: { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } },
});

export async function startFakeMeet() {
  const requests: SeenRequest[] = [];
  const records: FakeRecord[] = [];
  const people = new Map<string, string[]>();
  const script: { answer: Scripted; when: (r: SeenRequest) => boolean }[] = [];
  /** pageSize: every list's page; pageSizes: one list's (by its field, e.g. `participants`), over pageSize. */
  const state: { pageSize: number; pageSizes: Record<string, number> } = { pageSize: 2, pageSizes: {} };
  const stalls: { ms: number; when: (r: SeenRequest) => boolean }[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((err) => send(res, 500, { error: { code: 500, message: String(err) } }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    for await (const _ of req); // drain
    const seen = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      authorization: req.headers.authorization,
    };
    requests.push(seen);
    if (!req.headers.authorization?.startsWith('Bearer '))
      return send(res, 401, { error: { code: 401, message: 'no credentials', status: 'UNAUTHENTICATED' } });
    const stall = stalls.findIndex((s) => s.when(seen));
    if (stall >= 0) await new Promise((resolve) => setTimeout(resolve, stalls.splice(stall, 1)[0]!.ms));
    const scripted = script.findIndex((s) => s.when(seen));
    if (scripted >= 0) {
      const { answer } = script.splice(scripted, 1)[0]!;
      return send(res, answer.status, answer.body, answer.headers);
    }
    const path = url.pathname;
    if (path === '/v2/conferenceRecords') {
      const m = FILTER.exec(url.searchParams.get('filter') ?? '');
      if (!m) return send(res, 400, { error: { code: 400, message: 'Invalid filter', status: 'INVALID_ARGUMENT' } });
      const [, code, from, to] = m;
      const found = records.filter((r) => r.code === code && r.startTime >= from! && r.startTime <= to!);
      return page(
        res,
        url,
        'conferenceRecords',
        found.map(({ name, startTime, endTime }) => ({ name, startTime, ...(endTime && { endTime }) })),
      );
    }
    let m = PARTICIPANTS.exec(path);
    if (m) {
      const record = records.find((r) => r.name === m![1]);
      if (!record) return notFound(res);
      return page(
        res,
        url,
        'participants',
        record.participants.map((p, i) => participantOf(record, p, i)),
      );
    }
    m = SESSIONS.exec(path);
    if (m) {
      const participant = `${m[1]}/participants/${m[2]}`;
      const p = records.find((r) => r.name === m![1])?.participants[Number(m[2])];
      if (!p) return notFound(res);
      const sessions = p.sessions.map(([startTime, endTime], i) => ({
        name: `${participant}/participantSessions/s${i}`,
        startTime,
        ...(endTime && { endTime }),
      }));
      return page(res, url, 'participantSessions', sessions);
    }
    m = PERSON.exec(path);
    if (m) {
      const emails = people.get(`users/${decodeURIComponent(m[1]!)}`);
      if (!emails) return notFound(res);
      return send(res, 200, {
        resourceName: `people/${m[1]}`,
        emailAddresses: emails.map((value, i) => ({ value, metadata: { primary: i === 0 } })),
      });
    }
    notFound(res);
  }

  function participantOf(record: FakeRecord, p: FakeParticipant, i: number) {
    const name = `${record.name}/participants/${i}`;
    if ('user' in p.who) return { name, signedinUser: { user: p.who.user, displayName: p.who.displayName } };
    if ('anonymous' in p.who) return { name, anonymousUser: { displayName: p.who.anonymous } };
    return { name, phoneUser: { displayName: p.who.phone } };
  }

  /** Small pages (state.pageSize), so every client has to follow nextPageToken. */
  function page(res: ServerResponse, url: URL, field: string, items: unknown[]) {
    const size = Math.min(Number(url.searchParams.get('pageSize') ?? 100), state.pageSizes[field] ?? state.pageSize);
    const start = Number(url.searchParams.get('pageToken') ?? 0);
    const next = start + size < items.length ? String(start + size) : undefined;
    send(res, 200, { [field]: items.slice(start, start + size), ...(next && { nextPageToken: next }) });
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let n = 0;

  return {
    base,
    requests,
    records,
    people,
    state,
    /** A conference record of meeting `code`, held [startTime, endTime) (no end: still going on). */
    addRecord(code: string, startTime: string, endTime: string | undefined, participants: FakeParticipant[]) {
      const record = { name: `conferenceRecords/rec-${++n}`, code, startTime, ...(endTime && { endTime }), participants };
      records.push(record);
      return record.name;
    },
    /** The next requests that match `when` get these answers, in order; others pass. */
    failWhen: (when: (r: SeenRequest) => boolean, ...answers: Scripted[]) =>
      void script.push(...answers.map((answer) => ({ answer, when }))),
    /** The next request that matches `when` is answered only after `ms` (then as usual): a slow Google. */
    stallWhen: (when: (r: SeenRequest) => boolean, ms: number) => void stalls.push({ ms, when }),
    recordLists: () => requests.filter((r) => r.path === '/v2/conferenceRecords'),
    reset() {
      requests.length = 0;
      records.length = 0;
      people.clear();
      script.length = 0;
      stalls.length = 0;
      state.pageSize = 2;
      state.pageSizes = {};
    },
    /** Meet and People roots for the service's environment (the token endpoint stays the Calendar fake's). */
    env: (): Record<string, string> => ({ GOOGLE_MEET_API_ROOT_URL: `${base}/`, GOOGLE_PEOPLE_API_ROOT_URL: `${base}/` }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function notFound(res: ServerResponse) {
  send(res, 404, { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(body));
}

export type FakeMeet = Awaited<ReturnType<typeof startFakeMeet>>;
