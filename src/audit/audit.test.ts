import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyLoggerOptions } from 'fastify';
import { buildApp, loggerOptions } from '../app.ts';
import { signToken } from '../auth/tokens.ts';
import {
  auditRows,
  type Course,
  dbTargets,
  freshDatabase,
  makeSession,
  makeTwoCourseApp,
  TEST_SECRET,
  type TestApp,
  testConfig,
} from '../test/harness.ts';

interface AuditItem {
  id: number;
  action: string;
  outcome: string;
  sessionId: string | null;
  actor: { id: string; role: string | null } | null;
}

/** A token whose signature has been tampered with: well formed, but invalid. */
const tamper = (token: string) => `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;

for (const target of await dbTargets('audit log')) {
  describe(`audit log on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let other: Course;
    before(async () => ({ t, c, other } = await makeTwoCourseApp(target)));
    after(() => t.close());

    test('a create, an update, a start, a roster PUT and a join each leave a success row with actor, target and ip', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const put = (body: object) => t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body });
      assert.equal(
        (await put({ title: 'Renamed', scheduledStart: '2026-12-02T10:00:00Z', settings: { qaEnabled: false } })).statusCode,
        200,
      );
      assert.equal((await put({ status: 'live' })).statusCode, 200);
      const join = await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: c.student });
      assert.equal(join.statusCode, 200);

      const rows = (await auditRows(t.db, { outcome: 'success' })).filter((r) => r.session_id === s.id);
      const sessionRow = {
        target_type: 'session',
        target_id: s.id,
        course_id: c.courseId,
        session_id: s.id,
        outcome: 'success',
        ip: '127.0.0.1',
      };
      const pick = (r: (typeof rows)[number]) => ({
        action: r.action,
        actor_id: r.actor_id,
        actor_role: r.actor_role,
        target_type: r.target_type,
        target_id: r.target_id,
        course_id: r.course_id,
        session_id: r.session_id,
        outcome: r.outcome,
        ip: r.ip,
      });
      const mentor = { actor_id: 'course-1-mentor', actor_role: 'mentor' };
      assert.deepEqual(rows.map(pick), [
        { action: 'session.create', ...mentor, ...sessionRow },
        { action: 'session.update', ...mentor, ...sessionRow },
        { action: 'session.start', ...mentor, ...sessionRow },
        { action: 'attendance.join', actor_id: 'course-1-s1', actor_role: 'student', ...sessionRow },
      ]);
      // Field names as the API spells them, not as the columns are named.
      assert.deepEqual((rows[1]!.details as { fields: string[] }).fields, ['title', 'scheduledStart', 'settings.qaEnabled']);
      assert.deepEqual([rows[2]?.details?.from, rows[2]?.details?.to], ['scheduled', 'live']);

      const roster = (await auditRows(t.db, { action: 'roster.put', actorId: 'lms' })).find((r) => r.course_id === c.courseId);
      assert.ok(roster, 'makeCourse wrote the roster');
      assert.deepEqual(
        {
          outcome: roster.outcome,
          role: roster.actor_role,
          type: roster.target_type,
          id: roster.target_id,
          ip: roster.ip,
          details: roster.details,
        },
        { outcome: 'success', role: 'admin', type: 'course', id: c.courseId, ip: '127.0.0.1', details: { count: 3 } },
      );
    });

    test('a student editing a session and an outsider reading it each leave a denied row', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const edit = await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.student, body: { title: 'Mine' } });
      assert.equal(edit.statusCode, 403);
      const peek = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: other.student });
      assert.equal(peek.statusCode, 404);

      const denied = (await auditRows(t.db, { outcome: 'denied' })).filter((r) => r.session_id === s.id);
      assert.deepEqual(
        denied.map((r) => [r.action, r.actor_id, r.target_type, r.target_id, r.ip, r.details]),
        [
          ['session.update', 'course-1-s1', 'session', s.id, '127.0.0.1', { code: 'FORBIDDEN' }],
          ['session.read', 'course-2-s1', 'session', s.id, '127.0.0.1', { code: 'SESSION_NOT_FOUND' }],
        ],
      );
      const session = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: c.mentor });
      assert.equal(session.json().title, 'Graph algorithms', 'the denied edit changed nothing');
    });

    test('a rejected token leaves a denied auth.reject row with no actor', async () => {
      const res = await t.request({ method: 'GET', url: '/api/live-sessions', token: tamper(c.student) });
      assert.equal(res.statusCode, 401);
      const rows = await auditRows(t.db, { action: 'auth.reject' });
      const last = rows.at(-1);
      assert.ok(last);
      assert.deepEqual(
        [last.outcome, last.actor_id, last.target_type, last.target_id, last.ip],
        ['denied', null, 'route', 'GET /api/live-sessions', '127.0.0.1'],
      );
    });

    test("an admin reads a session's log newest first, a page at a time", async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const put = (token: string, body: object) => t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token, body });
      await put(c.mentor, { title: 'One' });
      await put(c.student, { title: 'Two' });
      await put(c.mentor, { status: 'live' });
      await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: c.student2 });
      const read = async (query: string) => {
        const res = await t.request({ method: 'GET', url: `/api/audit?sessionId=${s.id}&${query}`, token: c.admin });
        assert.equal(res.statusCode, 200, res.body);
        return res.json() as { items: AuditItem[]; nextCursor: string | null };
      };

      const all = await read('limit=100');
      assert.deepEqual(
        all.items.map((i) => [i.action, i.outcome, i.actor?.id]),
        [
          ['attendance.join', 'success', 'course-1-s2'],
          ['session.start', 'success', 'course-1-mentor'],
          ['session.update', 'denied', 'course-1-s1'],
          ['session.update', 'success', 'course-1-mentor'],
          ['session.create', 'success', 'course-1-mentor'],
        ],
      );
      assert.ok(all.items.every((i, n) => i.sessionId === s.id && (n === 0 || i.id < all.items[n - 1]!.id)));
      assert.equal(all.nextCursor, null);

      const paged: AuditItem[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await read(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        paged.push(...page.items);
        sizes.push(page.items.length);
        cursor = page.nextCursor;
      } while (cursor && sizes.length < 10);
      assert.deepEqual(sizes, [2, 2, 1]);
      assert.deepEqual(paged, all.items);

      const denied = await read('outcome=denied');
      assert.deepEqual(
        denied.items.map((i) => i.action),
        ['session.update'],
      );
    });

    test('only admins read the audit log, and a refused read is itself audited', async () => {
      for (const token of [c.mentor, c.student]) {
        const res = await t.request({ method: 'GET', url: '/api/audit', token });
        assert.equal(res.statusCode, 403);
        assert.equal(res.json().error.code, 'FORBIDDEN');
      }
      const rows = await auditRows(t.db, { action: 'audit.read', outcome: 'denied' });
      assert.deepEqual(
        rows.map((r) => r.actor_id),
        ['course-1-mentor', 'course-1-s1'],
      );
    });

    test('a cursor the audit log did not issue is a 400, not a 500', async () => {
      for (const forged of ['"12"', '1.5', '1e300', '[1]']) {
        const cursor = Buffer.from(forged).toString('base64url');
        const res = await t.request({ method: 'GET', url: `/api/audit?cursor=${cursor}`, token: c.admin });
        assert.equal(res.statusCode, 400, `${forged}: ${res.body}`);
        assert.equal(res.json().error.code, 'INVALID_CURSOR');
      }
    });

    test('no token, valid or tampered, is ever stored in an audit row', async () => {
      await t.request({ method: 'GET', url: '/api/audit', token: tamper(c.admin) });
      const stored = JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute());
      assert.match(stored, /auth\.reject/, 'the log holds rejected attempts too');
      for (const token of [c.admin, c.mentor, c.student, c.student2, other.student, tamper(c.admin), tamper(c.student)]) {
        assert.ok(!stored.includes(token), 'a whole token is stored');
        assert.ok(!stored.includes(token.split('.')[2]!), 'a token signature is stored');
      }
    });
  });

  describe(`request logs on ${target}`, () => {
    test('never contain the bearer token, even for failing requests', async () => {
      const lines: string[] = [];
      const stream = { write: (line: string) => void lines.push(line) };
      const { db, drop } = await freshDatabase(target);
      const app = await buildApp(testConfig(), { db, logger: { ...(loggerOptions('trace') as FastifyLoggerOptions), stream } });
      const secret = new TextEncoder().encode(TEST_SECRET);
      const admin = await signToken(secret, { sub: 'lms', name: 'LMS', role: 'admin' });
      const expired = await signToken(secret, { sub: 'late', name: 'Late', role: 'student' }, { ttlSeconds: -60 });
      const send = (token: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: string) =>
        app.inject({
          method,
          url,
          payload,
          headers: { authorization: `Bearer ${token}`, cookie: `sid=${token}`, 'content-type': 'application/json' },
        });
      try {
        const roster = { members: [{ userId: 'u1', name: 'U', role: 'student' }] };
        assert.equal((await send(admin, 'PUT', '/api/courses/c1/members', JSON.stringify(roster))).statusCode, 200);
        assert.equal((await send(admin, 'GET', '/api/live-sessions/00000000-0000-4000-8000-000000000000')).statusCode, 404);
        assert.equal((await send(admin, 'POST', '/api/live-sessions', '{"broken": ')).statusCode, 400);
        assert.equal((await send(expired, 'GET', '/api/live-sessions')).statusCode, 401);
        assert.equal((await send(tamper(admin), 'GET', '/api/audit')).statusCode, 401);
        await db.destroy();
        assert.equal((await send(admin, 'GET', '/api/audit')).statusCode, 503);
      } finally {
        await app.close();
        await drop();
      }
      const output = lines.join('');
      assert.match(output, /incoming request/);
      assert.match(output, /database unavailable/, 'the outage was logged with its error');
      for (const token of [admin, expired, tamper(admin)]) {
        assert.ok(!output.includes(token.split('.')[2]!), 'a token signature reached the log');
      }
    });
  });
}
