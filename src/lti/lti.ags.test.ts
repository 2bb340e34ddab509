import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { buildApp } from '../app.ts';
import { liveSession, pollIn, vote } from '../polls/polls.fixtures.ts';
import { eventually } from '../test/eventually.ts';
import { assertError } from '../test/http.ts';
import { auditRows, dbTargets, makeCourse, makeSession, makeTestApp, type TestApp, testConfig } from '../test/harness.ts';
import { quickEnv, registerEndpoint, startReceiver, verify } from '../webhooks/webhooks.fixture.ts';
import { findOrCreateLineItem, scoresUrl } from './lti.ags.client.ts';
import { publishedJwks } from './lti.keys.ts';
import { LtiServiceError } from './lti.service-token.http.ts';
import { type MockPlatform, startBystander, startMockPlatform } from './lti.service-token.mock-platform.ts';
import type { ServiceTokens } from './lti.service-token.ts';
import { insertLtiCourse } from './lti.service-token.fixture.ts';

const quiz = { question: '2 + 2?', type: 'single', options: ['3', '4'], correctOption: 1 };
// Short retries, few attempts: a failure is seen within the test's patience.
const env = { LTI_GRADE_RETRY_BASE_MS: '30', LTI_GRADE_RETRY_MAX_MS: '60', LTI_GRADE_MAX_ATTEMPTS: '3', ...quickEnv };

test('scores go to the line item URL plus /scores, its query kept (Moodle puts ids there)', () => {
  assert.equal(
    scoresUrl('https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3'),
    'https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=3',
  );
  assert.equal(
    scoresUrl('https://canvas.example/api/lti/courses/1/line_items/9/'),
    'https://canvas.example/api/lti/courses/1/line_items/9/scores',
  );
});

describe('line item lookup against an odd platform', () => {
  let platform: MockPlatform;
  let bystander: Awaited<ReturnType<typeof startBystander>>;
  // The platform's answers below bypass its token check: any bearer will do.
  const tokens = { token: async () => 'bearer-for-the-lms', forget: () => {} } as unknown as ServiceTokens;
  const spec = { label: 'Graphs — attendance', resourceId: 'class-1', tag: 'skill-probe-live:attendance', scoreMaximum: 100 };
  const find = () => findOrCreateLineItem(tokens, { id: 'p1', client_id: 'c', token_url: platform.tokenUrl }, platform.lineItemsUrl, spec);
  const posts = () => platform.requests.filter((r) => r.method === 'POST' && r.path === '/ags/ctx-1/lineitems').length;

  before(async () => {
    platform = await startMockPlatform({ jwks: async () => ({ keys: [] }) });
    bystander = await startBystander();
  });
  after(async () => {
    await platform.close();
    await bystander.close();
  });

  test('a lookup that cannot read every page fails, retryable, instead of creating a second column', async () => {
    let pages = 0;
    platform.answer = (method, path, query) => {
      if (method !== 'GET' || path !== '/ags/ctx-1/lineitems') return undefined;
      pages++;
      const page = Number(query.get('page') ?? 1);
      return { status: 200, body: [], headers: { link: `</ags/ctx-1/lineitems?page=${page + 1}>; rel="next"` } };
    };
    await assert.rejects(
      find(),
      (err: LtiServiceError) => err instanceof LtiServiceError && err.retryable && /not finished/.test(err.message),
    );
    assert.equal(pages, 50);
    assert.equal(posts(), 0, 'no line item created');
  });

  test('a next page, a found id or a created id on another host is refused: our token goes nowhere else', async () => {
    const foreign = `${bystander.url}/ags/ctx-1/lineitems/1`;
    const answers = [
      () => ({ status: 200, body: [], headers: { link: `<${bystander.url}/ags/ctx-1/lineitems?page=2>; rel="next"` } }),
      () => ({ status: 200, body: [{ id: foreign, resourceId: spec.resourceId, tag: spec.tag }] }),
    ];
    for (const answer of answers) {
      platform.answer = (method, path) => (method === 'GET' && path === '/ags/ctx-1/lineitems' ? answer() : undefined);
      await assert.rejects(find(), (err: LtiServiceError) => err instanceof LtiServiceError && !err.retryable);
    }
    platform.answer = (method, path) =>
      path !== '/ags/ctx-1/lineitems' ? undefined : method === 'GET' ? { status: 200, body: [] } : { status: 201, body: { id: foreign } };
    await assert.rejects(find(), (err: LtiServiceError) => err instanceof LtiServiceError && !err.retryable);
    assert.deepEqual(bystander.hits, []);
    platform.answer = undefined;
  });
});

for (const target of await dbTargets('lti grades')) {
  describe(`grades to the LMS (AGS) on ${target}`, () => {
    let t: TestApp;
    let platform: MockPlatform;
    let c: Awaited<ReturnType<typeof makeCourse>>;

    before(async () => {
      t = await makeTestApp(target, env);
      platform = await startMockPlatform({ jwks: () => publishedJwks(t.db) as never });
      c = await makeCourse(t, 'course-1');
      await insertLtiCourse(t.db, platform, 'course-1', {
        users: { 'sub-mentor': 'course-1-mentor', 'sub-s1': 'course-1-s1', 'sub-s2': 'course-1-s2' },
      });
    });
    after(async () => {
      await t.close();
      await platform.close();
    });

    const grades = (sessionId: string) => t.request({ method: 'GET', url: `/api/live-sessions/${sessionId}/lti-grades`, token: c.mentor });
    const end = async (sessionId: string) => {
      const res = await t.request({
        method: 'PUT',
        url: `/api/live-sessions/${sessionId}`,
        token: c.mentor,
        body: { status: 'completed' },
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    const settled = (sessionId: string, status: string) =>
      eventually(async () => {
        const pubs = (await grades(sessionId)).json().publications as { status: string; lastError: string | null }[];
        return pubs.length > 0 && pubs.every((p) => p.status === status) && pubs;
      }, `publications ${status}`);

    test('mentors choose what is published; students may not; the default is nothing', async () => {
      const url = '/api/courses/course-1/lti-grades';
      const initial = await t.request({ method: 'GET', url, token: c.mentor });
      assert.deepEqual(
        { ...(initial.json() as object), updatedAt: null },
        { courseId: 'course-1', attendance: 'off', quizzes: false, available: true, updatedAt: null },
      );
      assertError(await t.request({ method: 'GET', url, token: c.student }), 403, 'FORBIDDEN');
      assertError(
        await t.request({ method: 'PUT', url, token: c.mentor, body: { attendance: 'weekly', quizzes: true } }),
        400,
        'VALIDATION_FAILED',
      );
      const put = await t.request({ method: 'PUT', url, token: c.mentor, body: { attendance: 'percent', quizzes: true } });
      assert.equal(put.statusCode, 200, put.body);
      assert.equal(put.json().attendance, 'percent');
      assert.equal((await auditRows(t.db, { action: 'lti.grades.put' })).length, 1);
    });

    test('a course the LMS gives no gradebook cannot turn publication on', async () => {
      const plain = await makeCourse(t, 'course-plain');
      const res = await t.request({
        method: 'PUT',
        url: '/api/courses/course-plain/lti-grades',
        token: plain.mentor,
        body: { attendance: 'status', quizzes: false },
      });
      assertError(res, 409, 'LTI_SERVICE_NOT_OFFERED');
    });

    test('after class, attendance and quiz scores are posted as line items, a 5xx retried into the same line item', async () => {
      const rx = await startReceiver();
      const hook = await registerEndpoint(t, c.admin, rx.url, ['grade.published']);
      const s = await liveSession(t, c, { title: 'Graphs' });
      assert.equal((await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/join`, token: c.student })).statusCode, 200);
      const pollId = await pollIn(t, c, s.id, quiz);
      assert.equal((await vote(t, c.student, s.id, pollId, 1)).statusCode, 200);
      // The first score post fails: the publication is retried and finds its line item again.
      platform.fail('/ags/ctx-1/lineitems/1/scores', 503, 1);
      await end(s.id);
      const pubs = await settled(s.id, 'sent');
      assert.equal(pubs.length, 2);

      const mine = platform.lineItems.filter((li) => li.resourceId === s.id);
      assert.deepEqual(mine.map((li) => [li.tag, li.label, li.scoreMaximum]).sort(), [
        ['skill-probe-live:attendance', 'Graphs — attendance', 100],
        ['skill-probe-live:quiz', 'Graphs — quiz', 1],
      ]);
      const attendance = mine.find((li) => li.tag === 'skill-probe-live:attendance');
      const latest = new Map(attendance?.scores.map((sc) => [sc.userId, sc]));
      assert.equal(latest.get('sub-s2')?.scoreGiven, 0, 'absent Sky gets 0 percent');
      assert.equal(latest.get('sub-s2')?.comment, 'Attendance: absent');
      assert.ok((latest.get('sub-s1')?.scoreGiven as number) > 0, 'Sam was in class');
      assert.equal(latest.get('sub-s1')?.gradingProgress, 'FullyGraded');
      const quizItem = mine.find((li) => li.tag === 'skill-probe-live:quiz');
      const quizScores = new Map(quizItem?.scores.map((sc) => [sc.userId, sc.scoreGiven]));
      assert.deepEqual([quizScores.get('sub-s1'), quizScores.get('sub-s2')], [1, 0]);

      const body = (await grades(s.id)).json();
      const attendancePub = body.publications.find((p: { kind: string }) => p.kind === 'attendance');
      assert.equal(attendancePub.scoresSent, 2);
      assert.equal(attendancePub.lineItemUrl, attendance?.id);
      const report = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/report`, token: c.mentor });
      assert.deepEqual(
        report.json().ltiGrades.map((p: { kind: string; status: string }) => `${p.kind}:${p.status}`),
        ['attendance:sent', 'quiz:sent'],
      );
      assert.equal((await auditRows(t.db, { action: 'lti.grades.sent' })).length >= 2, true);
      const course = await t.request({ method: 'GET', url: '/api/courses/course-1/report', token: c.mentor });
      const row = course.json().classes.find((k: { sessionId: string }) => k.sessionId === s.id);
      assert.equal(row.ltiGrades, 'sent');

      // Each grade the LMS took is told to the webhook receivers, once, with its line item.
      await eventually(() => rx.received.length >= 2, 'two grade.published');
      const told = rx.received.map(
        (r) => verify(hook.secret, r).data as { sessionId: string; grade: { kind: string; lineItemUrl: string; scoresSent: number } },
      );
      assert.deepEqual(told.map((d) => [d.sessionId, d.grade.kind, d.grade.lineItemUrl, d.grade.scoresSent]).sort(), [
        [s.id, 'attendance', attendance?.id, 2],
        [s.id, 'quiz', quizItem?.id, 2],
      ]);
      await rx.close();
    });

    test('an LMS that keeps failing marks the class failed with its answer; a mentor sends it again', async () => {
      const s = await liveSession(t, c, { title: 'Trees' });
      platform.fail('/ags/ctx-1/lineitems', 500, 3);
      await end(s.id);
      const failedOne = await eventually(async () => {
        const pubs = (await grades(s.id)).json().publications as { kind: string; status: string; lastError: string; attempts: number }[];
        return pubs.find((p) => p.kind === 'attendance' && p.status === 'failed');
      }, 'attendance failed');
      assert.match(failedOne.lastError, /answered 500/);
      assert.match(failedOne.lastError, /gave up after 3 attempts/);
      assert.equal((await auditRows(t.db, { action: 'lti.grades.failed' })).length, 1);
      const course = await t.request({ method: 'GET', url: '/api/courses/course-1/report', token: c.mentor });
      assert.equal(course.json().classes.find((k: { sessionId: string }) => k.sessionId === s.id).ltiGrades, 'failed');
      // No quiz in this class: once the LMS answers, the quiz kind is done without a column.
      const retry = await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/lti-grades/retry`, token: c.mentor });
      assert.equal(retry.statusCode, 200, retry.body);
      await settled(s.id, 'sent');
      const quizPub = (await grades(s.id)).json().publications.find((p: { kind: string }) => p.kind === 'quiz');
      assert.deepEqual([quizPub.scoresSent, quizPub.lineItemUrl], [0, null]);
      assertError(
        await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/lti-grades/retry`, token: c.mentor }),
        409,
        'LTI_GRADES_NOT_FAILED',
      );
      assertError(
        await t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/lti-grades/retry`, token: c.student }),
        403,
        'FORBIDDEN',
      );
    });

    test("one student's score refused by the LMS skips that student; the others are graded and the class is sent", async () => {
      await t.request({
        method: 'PUT',
        url: '/api/courses/course-1/lti-grades',
        token: c.mentor,
        body: { attendance: 'status', quizzes: false },
      });
      const s = await liveSession(t, c, { title: 'Sorting' });
      platform.scoreRefusals = { 'sub-s1': 422 };
      try {
        await end(s.id);
        const [pub] = await settled(s.id, 'sent');
        assert.ok(pub);
        const item = platform.lineItems.find((li) => li.resourceId === s.id);
        assert.deepEqual(
          item?.scores.map((sc) => sc.userId),
          ['sub-s2'],
        );
        const report = await t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/report`, token: c.mentor });
        const [shown] = report.json().ltiGrades;
        assert.deepEqual([shown.status, shown.scoresSent, shown.scoresRefused], ['sent', 1, 1]);
      } finally {
        platform.scoreRefusals = {};
      }
    });

    test("a refusal that is not one student's (403) fails the class with our words, never the LMS's answer", async () => {
      const s = await liveSession(t, c, { title: 'Hashing' });
      platform.fail('/ags/ctx-1/lineitems', 403, 1, 'internal secret page: ami-123');
      await end(s.id);
      const [pub] = await settled(s.id, 'failed');
      assert.match(pub?.lastError ?? '', /answered 403/);
      assert.doesNotMatch(pub?.lastError ?? '', /ami-123|secret/);
    });

    test('a worker whose claim was taken while it created the line item posts no score', async () => {
      const s = await liveSession(t, c, { title: 'Tries' });
      let created = false;
      // Meanwhile the lease ran out and another node claimed the publication (for long: it is busy).
      platform.answer = async (method, path) => {
        if (method === 'POST' && path === '/ags/ctx-1/lineitems') {
          await t.db
            .updateTable('lti_grade_publications')
            .set({ claim_token: randomUUID(), claimed_until: new Date(Date.now() + 3_600_000) })
            .where('session_id', '=', s.id)
            .execute();
          created = true;
        }
        return undefined;
      };
      try {
        await end(s.id);
        await eventually(() => created, 'line item created');
        await new Promise((resolve) => setTimeout(resolve, 300));
        const item = platform.lineItems.find((li) => li.resourceId === s.id);
        assert.deepEqual(item?.scores, [], 'no score posted by the worker that lost its claim');
        const [pub] = (await grades(s.id)).json().publications;
        assert.deepEqual([pub.status, pub.lineItemUrl], ['pending', null]);
      } finally {
        platform.answer = undefined;
      }
    });

    test('a publication left claimed by a node that died is sent by the next start once its lease runs out', async () => {
      const url = '/api/courses/course-1/lti-grades';
      await t.request({ method: 'PUT', url, token: c.mentor, body: { attendance: 'off', quizzes: false } });
      const s = await liveSession(t, c, { title: 'Heaps' });
      await end(s.id);
      await t.db
        .insertInto('lti_grade_publications')
        .values({
          session_id: s.id,
          course_id: 'course-1',
          kind: 'attendance',
          mode: 'status',
          claimed_until: new Date(Date.now() + 300),
          claim_token: randomUUID(),
        })
        .execute();
      const restarted = await buildApp(testConfig(env), { db: t.db, logger: false });
      await restarted.ready();
      try {
        await settled(s.id, 'sent');
        const item = platform.lineItems.find((li) => li.resourceId === s.id);
        assert.deepEqual([item?.scoreMaximum, item?.scores.map((sc) => sc.scoreGiven)], [1, [0, 0]]);
      } finally {
        await restarted.close();
      }
    });

    test('a cancelled class owes nothing', async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      const res = await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { status: 'cancelled' } });
      assert.equal(res.statusCode, 200);
      assert.deepEqual((await grades(s.id)).json().publications, []);
    });
  });
}
