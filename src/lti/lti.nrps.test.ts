import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAuditService } from '../audit/audit.service.ts';
import { createCoursesService } from '../courses/courses.service.ts';
import { eventually } from '../test/eventually.ts';
import { assertError } from '../test/http.ts';
import { auditRows, dbTargets, makeCourse, makeSession, makeTestApp, type TestApp } from '../test/harness.ts';
import { activeSigningKey, publishedJwks } from './lti.keys.ts';
import { rosterFromMembership } from './lti.nrps.members.ts';
import { namespacedId } from './lti.ids.ts';
import { createRosterSync } from './lti.nrps.service.ts';
import { type MockPlatform, startBystander, startMockPlatform } from './lti.service-token.mock-platform.ts';
import { createServiceTokens } from './lti.service-token.ts';
import { insertLtiCourse } from './lti.service-token.fixture.ts';

const ROLE = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

test('LMS members become roster entries as a launch maps them', () => {
  const entries = rosterFromMembership(
    [
      { user_id: 'a', roles: [`${ROLE}Instructor`, `${ROLE}Learner`], given_name: 'Ada', family_name: 'L.', email: 'not-an-email' },
      { user_id: 'b', roles: [`${ROLE}Learner`], status: 'Inactive' },
      { user_id: 'c', roles: ['http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator'] },
      { user_id: 'd'.repeat(120), roles: [`${ROLE}Learner`], name: '  Dee  ' },
    ],
    (sub) => namespacedId('slug0001', sub),
  );
  assert.deepEqual(
    entries.map((e) => [e.userId.length <= 100, e.role, e.name ?? null, e.email ?? null]),
    [
      [true, 'mentor', 'Ada L.', null],
      [true, 'student', 'Dee', null],
    ],
  );
  assert.equal(entries[0]?.userId, 'lti:slug0001:a');
  assert.match(entries[1]?.userId ?? '', /^lti:slug0001:h\./);
});

for (const target of await dbTargets('lti roster sync')) {
  describe(`roster sync from the LMS (NRPS) on ${target}`, () => {
    let t: TestApp;
    let platform: MockPlatform;
    let c: Awaited<ReturnType<typeof makeCourse>>;
    let platformId: string;

    before(async () => {
      t = await makeTestApp(target);
      platform = await startMockPlatform({ jwks: () => publishedJwks(t.db) as never });
      c = await makeCourse(t, 'course-1');
      platformId = await insertLtiCourse(t.db, platform, 'course-1', {
        users: { 'sub-mentor': 'course-1-mentor', 'sub-s2': 'course-1-s2' },
      });
    });
    after(async () => {
      await t.close();
      await platform.close();
    });

    test('a mentor syncs the roster: every page is read, the LMS roles mapped, absent and inactive members removed', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      // Sam (course-1-s1) is in class when the sync removes him: his attendance closes with his place on the roster.
      assert.equal((await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: c.student })).statusCode, 200);
      platform.members = [
        { user_id: 'sub-mentor', roles: [`${ROLE}Instructor`], name: 'Mia Mentor' },
        { user_id: 'sub-ta', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'], name: 'Tom TA' },
        { user_id: 'sub-s2', roles: [`${ROLE}Learner`], status: 'Inactive', name: 'Sky Student' },
        { user_id: 'sub-s3', roles: ['Learner'], name: 'Ana New', email: 'ana@example.edu' },
        { user_id: 'sub-admin', roles: ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'] },
      ];
      const res = await t.request({ method: 'POST', url: '/api/courses/course-1/roster-sync', token: c.mentor });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.pages, 3);
      assert.deepEqual(
        { members: body.members, added: body.added, removed: body.removed, roleChanged: body.roleChanged },
        { members: 3, added: 2, removed: 2, roleChanged: 0 },
      );

      const roster = await t.request({ method: 'GET', url: '/api/courses/course-1/members', token: c.mentor });
      const members = roster.json().members.map((m: { name: string; role: string }) => `${m.name}:${m.role}`);
      assert.deepEqual(members.sort(), ['Ana New:student', 'Mia Mentor:mentor', 'Tom TA:mentor']);
      const segment = await t.db.selectFrom('session_attendance').selectAll().where('session_id', '=', s.id).executeTakeFirstOrThrow();
      assert.ok(segment.left_at instanceof Date, "the removed student's open attendance was closed");
      // The removed student is refused at once (no cached membership).
      assert.equal((await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: c.student })).statusCode, 404);

      const mapped = await t.db.selectFrom('lti_users').select(['sub', 'user_id']).where('platform_id', '=', platformId).execute();
      assert.ok(
        mapped.some((u) => u.sub === 'sub-s3'),
        'new members are recorded with their LMS sub (for grades)',
      );
      const ctx = await t.db.selectFrom('lti_contexts').select('roster_synced_at').executeTakeFirstOrThrow();
      assert.ok(ctx.roster_synced_at instanceof Date);
      const [audit] = await auditRows(t.db, { action: 'roster.sync' });
      assert.equal(audit?.actor_id, 'course-1-mentor');
    });

    test('the LMS failing leaves the roster as it was, and says so (502)', async () => {
      const before = await t.db.selectFrom('course_members').select('user_id').where('course_id', '=', 'course-1').execute();
      platform.fail('/nrps/ctx-1', 500, 1);
      assertError(
        await t.request({ method: 'POST', url: '/api/courses/course-1/roster-sync', token: c.mentor }),
        502,
        'LTI_PLATFORM_ERROR',
      );
      platform.members = [];
      assertError(
        await t.request({ method: 'POST', url: '/api/courses/course-1/roster-sync', token: c.mentor }),
        502,
        'LTI_PLATFORM_ERROR',
      );
      const now = await t.db.selectFrom('course_members').select('user_id').where('course_id', '=', 'course-1').execute();
      assert.deepEqual(now, before);
    });

    const rosterOf = () => t.db.selectFrom('course_members').select(['user_id', 'role']).where('course_id', '=', 'course-1').execute();
    const syncNow = () => t.request({ method: 'POST', url: '/api/courses/course-1/roster-sync', token: c.mentor });

    test('a membership with nobody usable (all inactive, or only system admins) leaves the roster as it was (502)', async () => {
      const before = await rosterOf();
      assert.ok(before.length > 0);
      platform.members = [
        { user_id: 'sub-mentor', roles: [`${ROLE}Instructor`], status: 'Inactive' },
        { user_id: 'sub-s3', roles: [`${ROLE}Learner`], status: 'Deleted' },
      ];
      const inactive = assertError(await syncNow(), 502, 'LTI_PLATFORM_ERROR');
      assert.match(inactive.message, /no active student or mentor/);
      platform.members = [{ user_id: 'sub-admin', roles: ['http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator'] }];
      assertError(await syncNow(), 502, 'LTI_PLATFORM_ERROR');
      assert.deepEqual(await rosterOf(), before);
    });

    test("a next page on another host is not followed (our token stays with the LMS), and the LMS's answer is never shown", async () => {
      const before = await rosterOf();
      const bystander = await startBystander();
      try {
        platform.members = [{ user_id: 'sub-mentor', roles: [`${ROLE}Instructor`], name: 'Mia Mentor' }];
        platform.answer = (method, path, query) =>
          method === 'GET' && path === '/nrps/ctx-1' && !query.get('page')
            ? { status: 200, body: { members: platform.members }, headers: { link: `<${bystander.url}/latest/meta-data/>; rel="next"` } }
            : undefined;
        assertError(await syncNow(), 502, 'LTI_PLATFORM_ERROR');
        assert.deepEqual(bystander.hits, [], 'nothing, and no bearer token, reached the other host');
        platform.answer = undefined;

        platform.fail('/nrps/ctx-1', 404, 1, 'internal secret body: ami-123 <script>alert(1)</script>');
        const error = assertError(await syncNow(), 502, 'LTI_PLATFORM_ERROR');
        assert.match(error.message, /answered 404/);
        assert.doesNotMatch(error.message, /ami-123|script/);
        assert.deepEqual(await rosterOf(), before);
      } finally {
        platform.answer = undefined;
        await bystander.close();
      }
    });

    test('a student may not sync; a course that did not come from an LMS cannot be synced', async () => {
      const other = await makeCourse(t, 'course-plain');
      assertError(await t.request({ method: 'POST', url: '/api/courses/course-1/roster-sync', token: c.student2 }), 403, 'FORBIDDEN');
      assertError(
        await t.request({ method: 'POST', url: '/api/courses/course-plain/roster-sync', token: other.mentor }),
        409,
        'LTI_SERVICE_NOT_OFFERED',
      );
    });

    test('a launch syncs the roster at most once per interval, in the background', async () => {
      const audit = createAuditService(t.db);
      const tokens = createServiceTokens({ signingKey: () => activeSigningKey(t.db) });
      const log = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
      const sync = createRosterSync({ db: t.db, audit, courses: createCoursesService(t.db, audit), tokens, log, launchIntervalMs: 60_000 });
      platform.members = [
        { user_id: 'sub-mentor', roles: [`${ROLE}Instructor`], name: 'Mia Mentor' },
        { user_id: 'sub-s4', roles: [`${ROLE}Learner`], name: 'Lou Later' },
      ];
      await t.db.updateTable('lti_contexts').set({ roster_synced_at: null }).execute();
      const pages = () => platform.requests.filter((r) => r.path.startsWith('/nrps/')).length;
      const start = pages();
      sync.syncRosterOnLaunch('course-1');
      sync.syncRosterOnLaunch('course-1'); // the second launch finds the first one claimed
      await sync.settle();
      assert.equal(pages() - start, 1);
      const names = await t.db.selectFrom('course_members').select('user_id').where('course_id', '=', 'course-1').execute();
      assert.ok(names.some((m) => m.user_id.endsWith(':sub-s4')));
      sync.syncRosterOnLaunch('course-1'); // within the interval: nothing
      await sync.settle();
      assert.equal(pages() - start, 1);

      // A sync that fails gives its claim back: the next launch tries again at once.
      await t.db.updateTable('lti_contexts').set({ roster_synced_at: null }).execute();
      platform.fail('/nrps/ctx-1', 503, 1);
      sync.syncRosterOnLaunch('course-1');
      await eventually(
        async () =>
          pages() - start === 2 &&
          (await t.db.selectFrom('lti_contexts').select('roster_synced_at').executeTakeFirstOrThrow()).roster_synced_at === null,
        'claim given back',
      );
      sync.syncRosterOnLaunch('course-1');
      await eventually(async () => pages() - start === 3, 'the next launch synced');
      await sync.settle();
    });
  });
}
