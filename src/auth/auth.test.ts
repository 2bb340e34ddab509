import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { auditRows, dbTargets, makeTestApp, TEST_SECRET, type TestApp } from '../test/harness.ts';

const SECRET = new TextEncoder().encode(TEST_SECRET);
const OTHER_SECRET = new TextEncoder().encode('another-secret-that-is-also-32-bytes-long');
const SESSIONS = '/api/live-sessions';

/** A token under construction: valid claims unless overridden, HS256 unless told otherwise, no `exp` yet. */
function jwt(payload: JWTPayload = {}, alg = 'HS256') {
  return new SignJWT({ sub: 'u-1', name: 'Una Student', role: 'student', ...payload })
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuedAt();
}

const valid = (payload: JWTPayload = {}) => jwt(payload).setExpirationTime('5m').sign(SECRET);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function assertRejected(res: LightMyRequestResponse, code: string, message?: RegExp) {
  assert.equal(res.statusCode, 401, res.body);
  const { error } = res.json();
  assert.equal(error.code, code);
  assert.equal(typeof error.message, 'string');
  if (message) assert.match(error.message, message);
}

for (const target of await dbTargets('authentication')) {
  describe(`authentication with a shared secret on ${target}`, () => {
    let t: TestApp;
    const get = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: SESSIONS, headers });
    const getWith = (token: string) => t.request({ method: 'GET', url: SESSIONS, token });
    before(async () => {
      t = await makeTestApp(target);
    });
    after(() => t.close());

    test('a valid token is accepted, whatever the case of the scheme', async () => {
      const token = await valid();
      assert.equal((await getWith(token)).statusCode, 200);
      assert.equal((await get({ authorization: `bearer ${token}` })).statusCode, 200);
    });

    test('a request without an Authorization header is refused', async () => {
      assertRejected(await get({}), 'UNAUTHENTICATED', /Authorization: Bearer/);
    });

    test('a header that is not "Bearer <token>" is refused', async () => {
      const token = await valid();
      for (const authorization of ['Token abc', 'Bearer', 'Bearer ', `Basic ${token}`, `Bearer ${token} extra`]) {
        assertRejected(await get({ authorization }), 'UNAUTHENTICATED');
      }
    });

    test('an expired token is refused as TOKEN_EXPIRED', async () => {
      const token = await jwt()
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(SECRET);
      assertRejected(await getWith(token), 'TOKEN_EXPIRED');
    });

    test('a token signed with another secret is refused', async () => {
      const token = await jwt().setExpirationTime('5m').sign(OTHER_SECRET);
      assertRejected(await getWith(token), 'UNAUTHENTICATED');
    });

    test('a tampered payload breaks the signature', async () => {
      const [header, , signature] = (await valid()).split('.');
      const forged = b64url({ sub: 'u-1', name: 'Una Student', role: 'admin', exp: Math.floor(Date.now() / 1000) + 300 });
      assertRejected(await getWith(`${header}.${forged}.${signature}`), 'UNAUTHENTICATED');
    });

    test('an unsigned alg "none" token is refused', async () => {
      const payload = { sub: 'u-1', name: 'Una Student', role: 'admin', exp: Math.floor(Date.now() / 1000) + 300 };
      const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;
      assertRejected(await getWith(token), 'UNAUTHENTICATED');
    });

    test('an HS512 token signed with the right secret is refused: only HS256 is allowed', async () => {
      const token = await jwt({}, 'HS512').setExpirationTime('5m').sign(SECRET);
      assertRejected(await getWith(token), 'UNAUTHENTICATED');
    });

    test('an RS256 token is refused when a shared secret is configured', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const token = await jwt({}, 'RS256').setExpirationTime('5m').sign(privateKey);
      assertRejected(await getWith(token), 'UNAUTHENTICATED');
    });

    test('a token without exp is refused', async () => {
      const token = await jwt().sign(SECRET);
      assertRejected(await getWith(token), 'UNAUTHENTICATED', /"exp"/);
    });

    test('a token without a name is refused, naming the claim', async () => {
      const token = await valid({ name: undefined });
      assertRejected(await getWith(token), 'UNAUTHENTICATED', /name/);
    });

    test('a token whose name holds a NUL character is refused, not a 500', async () => {
      assertRejected(await getWith(await valid({ name: 'Eve\u0000' })), 'UNAUTHENTICATED', /name/);
    });

    test('a token with an unknown role is refused, naming the claim', async () => {
      assertRejected(await getWith(await valid({ role: 'superuser' })), 'UNAUTHENTICATED', /role/);
    });

    test('a token whose sub is not a valid user id is refused, naming the claim', async () => {
      assertRejected(await getWith(await valid({ sub: 'una student' })), 'UNAUTHENTICATED', /sub/);
    });

    test('a token without sub is refused', async () => {
      assertRejected(await getWith(await valid({ sub: undefined })), 'UNAUTHENTICATED', /sub/);
    });

    test('a valid token records the user, and a later token with new claims updates them', async () => {
      const user = () => t.db.selectFrom('users').select(['name', 'role', 'email']).where('id', '=', 'u-upsert').executeTakeFirst();
      assert.equal(await user(), undefined);
      assert.equal((await getWith(await valid({ sub: 'u-upsert', name: 'Old Name' }))).statusCode, 200);
      assert.deepEqual(await user(), { name: 'Old Name', role: 'student', email: null });
      const renamed = await valid({ sub: 'u-upsert', name: 'New Name', role: 'mentor', email: 'new@example.com' });
      assert.equal((await getWith(renamed)).statusCode, 200);
      assert.deepEqual(await user(), { name: 'New Name', role: 'mentor', email: 'new@example.com' });
    });

    test('a refused token is written to the audit log as a denied auth.reject; an accepted one is not', async () => {
      const before = await auditRows(t.db, { action: 'auth.reject', outcome: 'denied' });
      assert.equal((await getWith(await valid())).statusCode, 200);
      assert.equal((await auditRows(t.db, { action: 'auth.reject' })).length, before.length);

      const expired = await jwt()
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(SECRET);
      assertRejected(await getWith(expired), 'TOKEN_EXPIRED');
      const rows = await auditRows(t.db, { action: 'auth.reject', outcome: 'denied' });
      assert.equal(rows.length, before.length + 1);
      const row = rows.at(-1)!;
      assert.equal(row.actor_id, null);
      assert.equal(row.target_type, 'route');
      assert.equal(row.target_id, `GET ${SESSIONS}`);
      assert.deepEqual(row.details, { code: 'TOKEN_EXPIRED' });
    });
  });
}

describe('authentication with an issuer and audience configured', () => {
  let t: TestApp;
  const getWith = (token: string) => t.request({ method: 'GET', url: SESSIONS, token });
  const withClaims = (iss: string | null, aud: string | null) => {
    let token = jwt().setExpirationTime('5m');
    if (iss) token = token.setIssuer(iss);
    if (aud) token = token.setAudience(aud);
    return token.sign(SECRET);
  };
  before(async () => {
    t = await makeTestApp('pglite', { JWT_ISSUER: 'lms', JWT_AUDIENCE: 'live' });
  });
  after(() => t.close());

  test('a token with the configured iss and aud is accepted', async () => {
    assert.equal((await getWith(await withClaims('lms', 'live'))).statusCode, 200);
    assert.equal((await getWith(await t.token({ sub: 'u-2' }))).statusCode, 200);
  });

  test('a token from another issuer is refused, naming iss', async () => {
    assertRejected(await getWith(await withClaims('other-lms', 'live')), 'UNAUTHENTICATED', /iss/);
  });

  test('a token for another audience is refused, naming aud', async () => {
    assertRejected(await getWith(await withClaims('lms', 'billing')), 'UNAUTHENTICATED', /aud/);
  });

  test('a token without iss or aud is refused', async () => {
    assertRejected(await getWith(await withClaims(null, 'live')), 'UNAUTHENTICATED', /iss/);
    assertRejected(await getWith(await withClaims('lms', null)), 'UNAUTHENTICATED', /aud/);
  });
});

describe('failed authentications', () => {
  test('an address that keeps failing gets 429 with Retry-After, without more audit rows; valid tokens still pass', async () => {
    const t = await makeTestApp('pglite', { RATE_LIMIT_MAX: '3' });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await t.request({ method: 'GET', url: '/api/live-sessions', token: 'not.a.jwt' })).statusCode);
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      const limited = await t.request({ method: 'GET', url: '/api/live-sessions', token: 'not.a.jwt' });
      assert.equal(limited.json().error.code, 'RATE_LIMITED');
      assert.ok(Number(limited.headers['retry-after']) > 0);
      const rows = await t.db.selectFrom('audit_log').select('id').where('action', '=', 'auth.reject').execute();
      assert.equal(rows.length, 3, 'only the failures within budget are written');
      const valid = await t.token({ sub: 'good-user' });
      assert.equal((await t.request({ method: 'GET', url: '/api/live-sessions', token: valid })).statusCode, 200);
    } finally {
      await t.close();
    }
  });
});
