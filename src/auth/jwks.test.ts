import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { type CryptoKey, exportJWK, exportPKCS8, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { makeTestApp, type TestApp } from '../test/harness.ts';

const SESSIONS = '/api/live-sessions';
const run = promisify(execFile);

function jwt(header: { alg: string; kid?: string }, payload: JWTPayload = {}) {
  return new SignJWT({ sub: 'u-1', name: 'Una Student', role: 'student', ...payload })
    .setProtectedHeader({ typ: 'JWT', ...header })
    .setIssuedAt()
    .setExpirationTime('5m');
}

function assertRejected(res: LightMyRequestResponse, code: string, message?: RegExp) {
  assert.equal(res.statusCode, 401, res.body);
  assert.equal(res.json().error.code, code);
  if (message) assert.match(res.json().error.message, message);
}

/** An identity provider's key endpoint: /jwks.json serves the keys, /down.json fails as an outage would. */
async function startKeyServer(jwks: unknown): Promise<{ server: Server; base: string; fetches: () => number }> {
  let fetches = 0;
  const server = createServer((req, res) => {
    fetches++;
    if (req.url === '/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    } else {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://127.0.0.1:${port}`, fetches: () => fetches };
}

function stopKeyServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const jwksEnv = (url: string) => ({ JWT_SECRET: '', JWT_JWKS_URL: url });

describe('authentication with a JWKS', () => {
  let keys: { server: Server; base: string; fetches: () => number };
  let t: TestApp;
  let rsa: CryptoKey;
  let rsaPublicPem: string;
  let ec: CryptoKey;
  const getWith = (token: string) => t.request({ method: 'GET', url: SESSIONS, token });

  before(async () => {
    const rsaPair = await generateKeyPair('RS256', { extractable: true });
    const ecPair = await generateKeyPair('ES256');
    rsa = rsaPair.privateKey;
    ec = ecPair.privateKey;
    rsaPublicPem = await exportSPKI(rsaPair.publicKey);
    keys = await startKeyServer({
      keys: [
        { ...(await exportJWK(rsaPair.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
        { ...(await exportJWK(ecPair.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
      ],
    });
    t = await makeTestApp('pglite', jwksEnv(`${keys.base}/jwks.json`));
  });
  after(async () => {
    await t.close();
    await stopKeyServer(keys.server);
  });

  test('RS256 and ES256 tokens signed with published keys are accepted, from one fetch of the keys', async () => {
    assert.equal((await getWith(await jwt({ alg: 'RS256', kid: 'rsa-1' }).sign(rsa))).statusCode, 200);
    assert.equal((await getWith(await jwt({ alg: 'ES256', kid: 'ec-1' }).sign(ec))).statusCode, 200);
    assert.equal(keys.fetches(), 1, 'the key set is fetched once and cached');
  });

  test('an HS256 token is refused, even one keyed with the public RSA key (no algorithm confusion)', async () => {
    const someSecret = new TextEncoder().encode('some-secret-that-is-at-least-32-bytes-long');
    assertRejected(await getWith(await jwt({ alg: 'HS256', kid: 'rsa-1' }).sign(someSecret)), 'UNAUTHENTICATED');
    const confused = await jwt({ alg: 'HS256', kid: 'rsa-1' }).sign(new TextEncoder().encode(rsaPublicPem));
    assertRejected(await getWith(confused), 'UNAUTHENTICATED');
  });

  test('a token whose kid is not published is refused', async () => {
    const token = await jwt({ alg: 'RS256', kid: 'rsa-unknown' }).sign(rsa);
    assertRejected(await getWith(token), 'UNAUTHENTICATED', /unknown key/);
  });

  test('a token signed by another key under a published kid is refused', async () => {
    const { privateKey: impostor } = await generateKeyPair('RS256');
    assertRejected(await getWith(await jwt({ alg: 'RS256', kid: 'rsa-1' }).sign(impostor)), 'UNAUTHENTICATED');
  });

  test('an expired JWKS-signed token is refused as TOKEN_EXPIRED', async () => {
    const token = await jwt({ alg: 'ES256', kid: 'ec-1' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(ec);
    assertRejected(await getWith(token), 'TOKEN_EXPIRED');
  });

  test('claims are validated as strictly as with a shared secret', async () => {
    const token = await jwt({ alg: 'RS256', kid: 'rsa-1' }, { role: 'superuser' }).sign(rsa);
    assertRejected(await getWith(token), 'UNAUTHENTICATED', /role/);
  });

  test('when the keys cannot be fetched, a well-signed token gets 503, not a 401 blaming the client', async () => {
    const closed = await startKeyServer({ keys: [] });
    await stopKeyServer(closed.server);
    for (const url of [`${keys.base}/down.json`, `${closed.base}/jwks.json`]) {
      const down = await makeTestApp('pglite', jwksEnv(url));
      try {
        const res = await down.request({ method: 'GET', url: SESSIONS, token: await jwt({ alg: 'RS256', kid: 'rsa-1' }).sign(rsa) });
        assert.equal(res.statusCode, 503, `${url}: ${res.body}`);
        assert.equal(res.json().error.code, 'SERVICE_UNAVAILABLE');
      } finally {
        await down.close();
      }
    }
  });

  test('npm run token signs with a private key matching the JWKS, and the service accepts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spl-key-'));
    try {
      const keyFile = join(dir, 'rsa.pem');
      writeFileSync(keyFile, await exportPKCS8(rsa));
      const args = ['scripts/token.ts', '--sub', 'u-cli', '--role', 'mentor', '--name', 'Cli', '--key', keyFile, '--kid', 'rsa-1'];
      const env = { PATH: process.env.PATH ?? '', DATA_DIR: dir, JWT_JWKS_URL: `${keys.base}/jwks.json` };
      const { stdout } = await run(process.execPath, args, { cwd: join(import.meta.dirname, '../..'), env });
      assert.equal((await getWith(stdout.trim())).statusCode, 200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
