/**
 * The consent flow against a fake OAuth token endpoint on 127.0.0.1: nothing here reaches Google.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CALENDAR_EVENTS_SCOPE, type ConsentOptions, consentOptionsFromEnv, consentUrl, exchangeCode } from './google-consent.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const SECRET = 'client-secret-that-must-never-be-printed';

interface TokenRequest {
  path: string;
  form: URLSearchParams;
}
type TokenReply = { status: number; body: Record<string, unknown> };

const refreshTokenReply = (): TokenReply => ({
  status: 200,
  body: { access_token: 'ya29.access', refresh_token: '1//refresh-token', expires_in: 3599, token_type: 'Bearer' },
});

/** The fake endpoint records every request and answers with whatever the current test set in `reply`. */
let requests: TokenRequest[] = [];
let reply: TokenReply = refreshTokenReply();
let server: Server;
let opts: ConsentOptions;

before(async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    requests.push({ path: `${req.method} ${req.url}`, form: new URLSearchParams(body) });
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  opts = {
    clientId: 'client-123.apps.googleusercontent.com',
    clientSecret: SECRET,
    redirectUri: 'http://localhost:3000/oauth2/callback',
    tokenUrl: `http://127.0.0.1:${port}/token`,
  };
});
after(() => server.close());
beforeEach(() => {
  requests = [];
  reply = refreshTokenReply();
});

/** The environment the script reads, pointed at the fake endpoint. */
const envFor = (o: ConsentOptions): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
  GOOGLE_CLIENT_ID: o.clientId,
  GOOGLE_CLIENT_SECRET: o.clientSecret,
  GOOGLE_REDIRECT_URI: o.redirectUri,
  GOOGLE_TOKEN_URL: o.tokenUrl ?? '',
});

describe('consentUrl', () => {
  test('asks Google for offline access to calendar events (and Meet attendance), with a fresh consent, for this client and redirect', () => {
    const url = new URL(consentUrl(opts));
    assert.equal(url.origin, 'https://accounts.google.com');
    assert.equal(url.searchParams.get('access_type'), 'offline');
    assert.equal(url.searchParams.get('prompt'), 'consent');
    assert.equal(
      url.searchParams.get('scope'),
      'https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/meetings.space.readonly https://www.googleapis.com/auth/directory.readonly',
    );
    const calendarOnly = new URL(consentUrl({ ...opts, meetAttendance: false }));
    assert.equal(calendarOnly.searchParams.get('scope'), CALENDAR_EVENTS_SCOPE);
    assert.equal(url.searchParams.get('client_id'), opts.clientId);
    assert.equal(url.searchParams.get('redirect_uri'), opts.redirectUri);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.doesNotMatch(url.href, new RegExp(SECRET));
  });
});

describe('exchangeCode', () => {
  test('a bare code is POSTed as an authorization_code grant to the configured token URL and yields the refresh token', async () => {
    assert.equal(await exchangeCode(opts, '4/0AbCdEf-code'), '1//refresh-token');
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(request?.path, 'POST /token');
    assert.equal(request?.form.get('grant_type'), 'authorization_code');
    assert.equal(request?.form.get('code'), '4/0AbCdEf-code');
    assert.equal(request?.form.get('client_id'), opts.clientId);
    assert.equal(request?.form.get('redirect_uri'), opts.redirectUri);
  });

  test('the whole redirected URL works the same, and surrounding whitespace is ignored', async () => {
    const pasted = `  ${opts.redirectUri}?state=x&code=4%2F0AbCdEf-code&scope=${encodeURIComponent(CALENDAR_EVENTS_SCOPE)}\n`;
    assert.equal(await exchangeCode(opts, pasted), '1//refresh-token');
    assert.equal(requests[0]?.form.get('code'), '4/0AbCdEf-code');
  });

  test('a percent-encoded bare code is decoded before it is sent', async () => {
    await exchangeCode(opts, '4%2F0AbCdEf-code');
    assert.equal(requests[0]?.form.get('code'), '4/0AbCdEf-code');
  });

  test('a redirect with error=access_denied throws, naming the error, and calls no endpoint', async () => {
    await assert.rejects(exchangeCode(opts, `${opts.redirectUri}?error=access_denied&state=x`), /error=access_denied/);
    assert.equal(requests.length, 0);
  });

  test('a URL without a code, or an empty paste, throws before calling the endpoint', async () => {
    await assert.rejects(exchangeCode(opts, `${opts.redirectUri}?state=x`), /no code parameter/);
    await assert.rejects(exchangeCode(opts, '   '), /No authorization code/);
    assert.equal(requests.length, 0);
  });

  test('a response without refresh_token throws, explaining how to get one', async () => {
    reply = { status: 200, body: { access_token: 'ya29.access', expires_in: 3599, token_type: 'Bearer' } };
    await assert.rejects(exchangeCode(opts, 'code'), (err: Error) => {
      assert.match(err.message, /no refresh token/);
      assert.match(err.message, /https:\/\/myaccount\.google\.com\/permissions/);
      assert.match(err.message, /prompt=consent/);
      return true;
    });
  });

  test('a 400 invalid_grant from the endpoint rejects, naming invalid_grant, without the client secret', async () => {
    reply = { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } };
    await assert.rejects(exchangeCode(opts, 'used-code'), (err: Error) => {
      assert.match(err.message, /invalid_grant/);
      assert.doesNotMatch(err.message, new RegExp(SECRET));
      return true;
    });
  });
});

describe('consentOptionsFromEnv', () => {
  test('reads the three required variables and the optional token URL', () => {
    assert.deepEqual(consentOptionsFromEnv(envFor(opts)), { ...opts, meetAttendance: true });
    assert.equal(consentOptionsFromEnv({ ...envFor(opts), GOOGLE_MEET_ATTENDANCE: 'false' }).meetAttendance, false);
    const { GOOGLE_TOKEN_URL: _, ...withoutTokenUrl } = envFor(opts);
    assert.equal(consentOptionsFromEnv(withoutTokenUrl).tokenUrl, undefined);
  });

  test('names every missing variable; empty counts as missing', () => {
    assert.throws(
      () => consentOptionsFromEnv({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: '' }),
      (err: Error) => err.message.startsWith('Missing GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URI:'),
    );
  });

  test('a token URL that is not http(s) is refused', () => {
    assert.throws(() => consentOptionsFromEnv({ ...envFor(opts), GOOGLE_TOKEN_URL: 'ftp://x' }), /GOOGLE_TOKEN_URL/);
  });
});

describe('npm run google:auth (scripts/google-auth.ts)', () => {
  test('with --code it prints the consent URL and GOOGLE_REFRESH_TOKEN, never the client secret', async () => {
    const { stdout, stderr } = await run(process.execPath, ['scripts/google-auth.ts', '--code', 'X'], { cwd: root, env: envFor(opts) });
    assert.ok(stdout.includes(consentUrl(opts)), stdout);
    assert.match(stdout, /^GOOGLE_REFRESH_TOKEN=1\/\/refresh-token$/m);
    assert.equal(requests[0]?.form.get('code'), 'X');
    assert.doesNotMatch(stdout + stderr, new RegExp(SECRET));
  });

  test('a refused code exits 1 with the reason, never the client secret', async () => {
    reply = { status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } };
    const failed = run(process.execPath, ['scripts/google-auth.ts', '--code', 'X'], { cwd: root, env: envFor(opts) });
    await assert.rejects(failed, (err: { code: number; stdout: string; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /invalid_grant/);
      assert.doesNotMatch(err.stdout + err.stderr, new RegExp(SECRET));
      return true;
    });
  });

  test('missing settings exit 1 naming the variables', async () => {
    const failed = run(process.execPath, ['scripts/google-auth.ts', '--code', 'X'], { cwd: root, env: { PATH: process.env.PATH ?? '' } });
    await assert.rejects(failed, (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, GOOGLE_REDIRECT_URI/);
      return true;
    });
  });
});
