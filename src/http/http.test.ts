import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dbTargets, makeCourse, makeSession, makeTestApp, type TestApp } from '../test/harness.ts';
import { assertError, sessionBody } from '../test/http.ts';

for (const target of await dbTargets('HTTP behaviour')) {
  describe(`HTTP errors on ${target}`, () => {
    let t: TestApp;
    let c: Awaited<ReturnType<typeof makeCourse>>;
    const post = (payload: string, contentType: string, token = c.mentor) =>
      t.app.inject({
        method: 'POST',
        url: '/api/live-sessions',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        payload,
      });
    before(async () => {
      t = await makeTestApp(target, { BODY_LIMIT_BYTES: '2048' });
      c = await makeCourse(t);
    });
    after(() => t.close());

    test('a malformed JSON body is a 400 INVALID_JSON', async () => {
      assertError(await post('{"title": ', 'application/json'), 400, 'INVALID_JSON');
    });

    test('a body over the configured limit is a 413 PAYLOAD_TOO_LARGE', async () => {
      const res = await post(JSON.stringify({ ...sessionBody, description: 'a'.repeat(3000) }), 'application/json');
      assertError(res, 413, 'PAYLOAD_TOO_LARGE');
      const small = await post(JSON.stringify({ ...sessionBody, description: 'a'.repeat(100) }), 'application/json');
      assert.equal(small.statusCode, 201, 'a body under the limit goes through');
    });

    test('a text/plain body is a 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      assertError(await post(JSON.stringify(sessionBody), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      assertError(await post('<x/>', 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    test('an unknown route is a 404 NOT_FOUND, with or without a token', async () => {
      const anonymous = await t.request({ method: 'GET', url: '/api/nothing-here?x=1' });
      assert.equal(assertError(anonymous, 404, 'NOT_FOUND').message, 'No route GET /api/nothing-here');
      assertError(await t.request({ method: 'DELETE', url: '/nowhere', token: c.mentor }), 404, 'NOT_FOUND');
    });

    test('wrong types in the query string are a 400 naming the field', async () => {
      const cases: [string, string][] = [
        ['limit=abc', 'querystring.limit'],
        ['limit=0', 'querystring.limit'],
        ['from=2026-13-01T00:00:00Z', 'querystring.from'],
        ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'querystring.to'],
        ['status=bogus', 'querystring.status'],
        ['sort=desc', 'querystring.sort'],
      ];
      for (const [query, field] of cases) {
        const res = await t.request({ method: 'GET', url: `/api/live-sessions?${query}`, token: c.mentor });
        const err = assertError(res, 400, 'VALIDATION_FAILED');
        assert.ok(
          err.details?.some((d) => d.field === field),
          `${field} in ${JSON.stringify(err.details)}`,
        );
      }
    });

    test('a cursor the API did not issue is a 400 INVALID_CURSOR', async () => {
      const forged = [
        'not-a-cursor!!',
        Buffer.from('{"id":1}').toString('base64url'),
        Buffer.from('["2026-12-01T10:00:00.000Z"]').toString('base64url'),
        Buffer.from('["yesterday","00000000-0000-4000-8000-000000000000"]').toString('base64url'),
        // Shaped like a uuid to a loose pattern, but not one: must not reach the database as a uuid.
        Buffer.from(`["2026-12-01T10:00:00.000Z","${'-'.repeat(36)}"]`).toString('base64url'),
        // A real JavaScript date that PostgreSQL cannot store.
        Buffer.from('["-271821-04-20T00:00:00.000Z","00000000-0000-4000-8000-000000000000"]').toString('base64url'),
      ];
      for (const cursor of forged) {
        const res = await t.request({ method: 'GET', url: `/api/live-sessions?cursor=${cursor}`, token: c.mentor });
        assert.equal(res.statusCode, 400, `${Buffer.from(cursor, 'base64url').toString()}: ${res.body}`);
        assertError(res, 400, 'INVALID_CURSOR');
      }
    });

    test('an empty body sent as JSON counts as no body (clients that always send the header can join)', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/live-sessions/${s.id}/join`,
        headers: { authorization: `Bearer ${c.student}`, 'content-type': 'application/json' },
        payload: '',
      });
      assert.equal(res.statusCode, 200, res.body);
    });

    test('an over-long path parameter is a 414 URI_TOO_LONG and a malformed URL a 400, in the usual envelope', async () => {
      const long = await t.request({ method: 'GET', url: `/api/live-sessions/${'a'.repeat(300)}`, token: c.mentor });
      assertError(long, 414, 'URI_TOO_LONG');
      const malformed = await t.request({ method: 'GET', url: '/api/live-sessions/%E0%A4%A', token: c.mentor });
      assertError(malformed, 400, 'VALIDATION_FAILED');
    });

    test('a __proto__ key in a body is refused without harm', async () => {
      const payload = `{"courseId":"course-1","title":"x","scheduledStart":"2026-12-01T10:00:00Z","durationMinutes":30,"__proto__":{"isAdmin":true}}`;
      const res = await post(payload, 'application/json');
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body}`);
      assertError(res, res.statusCode);
      assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
      const nested = await t.request({
        method: 'PUT',
        url: '/api/courses/course-1/members',
        token: c.admin,
        body: JSON.parse('{"members":[{"userId":"u1","name":"U","role":"student","constructor":{"prototype":{"x":1}}}]}'),
      });
      assert.ok(nested.statusCode >= 400 && nested.statusCode < 500, `${nested.statusCode} ${nested.body}`);
    });
  });
}

for (const target of await dbTargets('HTTP behaviour')) {
  describe(`rate limits on ${target}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(target, { RATE_LIMIT_MAX: '3' });
    });
    after(() => t.close());

    test('the fourth request by one user in the window is a 429 with Retry-After; another user is unaffected', async () => {
      const alice = await t.token({ sub: 'alice' });
      const bob = await t.token({ sub: 'bob' });
      const list = (token: string) => t.request({ method: 'GET', url: '/api/live-sessions', token });
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await list(alice)).statusCode);
      assert.deepEqual(codes, [200, 200, 200]);
      const limited = await list(alice);
      assertError(limited, 429, 'RATE_LIMITED');
      assert.ok(Number(limited.headers['retry-after']) > 0, `retry-after: ${limited.headers['retry-after']}`);
      assert.equal((await list(bob)).statusCode, 200);
      const health = await t.request({ method: 'GET', url: '/healthz' });
      assert.equal(health.statusCode, 200, 'operations routes are not limited');
    });
  });
}

for (const target of await dbTargets('HTTP behaviour')) {
  describe(`health, docs and internal errors on ${target}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(target);
    });
    after(() => t.close());

    test('/healthz reports the database as ok', async () => {
      const res = await t.request({ method: 'GET', url: '/healthz' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 'ok', database: 'ok' });
    });

    test('/docs/json is an OpenAPI document with every public path, and /docs serves HTML', async () => {
      const res = await t.request({ method: 'GET', url: '/docs/json' });
      assert.equal(res.statusCode, 200);
      const doc = res.json();
      assert.match(doc.openapi, /^3\./);
      for (const path of ['/api/live-sessions', '/api/live-sessions/{sessionId}/join', '/api/courses/{courseId}/members', '/api/audit']) {
        assert.ok(doc.paths[path], `${path} in ${Object.keys(doc.paths).join(', ')}`);
      }
      const ui = await t.app.inject({ method: 'GET', url: '/docs' });
      const html = ui.statusCode === 302 ? await t.app.inject({ method: 'GET', url: String(ui.headers.location) }) : ui;
      assert.equal(html.statusCode, 200);
      assert.match(String(html.headers['content-type']), /text\/html/);
      assert.match(html.body, /<html/i);
    });

    test('with the database gone, /healthz is 503 and an /api route a retryable 503 that hides internals', async () => {
      const broken = await makeTestApp(target);
      const token = await broken.token({ sub: 'someone' });
      await broken.db.destroy();
      try {
        const health = await broken.request({ method: 'GET', url: '/healthz' });
        assert.equal(health.statusCode, 503);
        assert.deepEqual(health.json(), { status: 'unavailable', database: 'unreachable' });
        const res = await broken.request({ method: 'GET', url: '/api/live-sessions', token });
        assert.equal(res.statusCode, 503);
        assert.deepEqual(res.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable; retry shortly' } });
        assert.equal(res.headers['retry-after'], '5');
      } finally {
        await broken.app.close();
      }
    });
  });
}

for (const target of await dbTargets('HTTP behaviour')) {
  describe(`session listing on ${target}`, () => {
    let t: TestApp;
    let c: Awaited<ReturnType<typeof makeCourse>>;
    let ids: string[];
    const starts = [1, 2, 3, 4, 5].map((d) => `2026-12-0${d}T10:00:00.000Z`);
    const list = async (query: string) => {
      const res = await t.request({ method: 'GET', url: `/api/live-sessions?courseId=${c.courseId}&${query}`, token: c.student });
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { items: { id: string; status: string; scheduledStart: string }[]; nextCursor: string | null };
    };
    before(async () => {
      t = await makeTestApp(target);
      c = await makeCourse(t);
      await makeCourse(t, 'course-2').then((o) => makeSession(t, o.mentor, o.courseId, { scheduledStart: starts[2] }));
      // Created out of order, so the listing order must come from scheduledStart.
      const created = [];
      for (const i of [3, 0, 4, 1, 2]) created[i] = (await makeSession(t, c.mentor, c.courseId, { scheduledStart: starts[i] })).id;
      ids = created;
    });
    after(() => t.close());

    test('limit=2 pages through all five sessions in start order via nextCursor', async () => {
      const pages = [];
      let cursor: string | null = null;
      do {
        const page = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        pages.push(page.items.map((s) => s.id));
        cursor = page.nextCursor;
      } while (cursor && pages.length < 10);
      assert.deepEqual(
        pages.map((p) => p.length),
        [2, 2, 1],
      );
      assert.deepEqual(pages.flat(), ids);
      assert.equal(cursor, null);
    });

    test('status filters by lifecycle state', async () => {
      const live = await t.request({ method: 'PUT', url: `/api/live-sessions/${ids[3]}`, token: c.mentor, body: { status: 'live' } });
      assert.equal(live.statusCode, 200);
      assert.deepEqual(
        (await list('status=live')).items.map((s) => s.id),
        [ids[3]],
      );
      assert.deepEqual(
        (await list('status=scheduled')).items.map((s) => s.id),
        [ids[0], ids[1], ids[2], ids[4]],
      );
      assert.deepEqual((await list('status=cancelled')).items, []);
    });

    test('from is inclusive and to is exclusive', async () => {
      const window = await list(`from=${starts[1]}&to=${starts[3]}`);
      assert.deepEqual(
        window.items.map((s) => s.id),
        [ids[1], ids[2]],
      );
      const offset = await list(`from=${encodeURIComponent('2026-12-04T11:00:00+01:00')}`);
      assert.deepEqual(
        offset.items.map((s) => s.id),
        [ids[3], ids[4]],
      );
    });
  });
}
