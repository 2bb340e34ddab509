import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Claims } from '../auth/actor.ts';
import { signToken } from '../auth/tokens.ts';
import { buildApp } from '../app.ts';
import { listEventsAfter } from '../events/events.repo.ts';
import {
  type Course,
  dbTargets,
  freshDatabase,
  makeCourse,
  makeTwoCourseApp,
  TEST_SECRET,
  type TestApp,
  testConfig,
} from '../test/harness.ts';
import { eventually } from '../test/eventually.ts';
import { codeOf, liveSession, pollIn, readPoll, singleChoice, vote } from './polls.fixtures.ts';

const quiz = { question: '2 + 2?', type: 'single', options: ['3', '4'], correctOption: 1 };

/** Moves a timed poll's deadline, as if it had opened that long ago. */
async function dueIn(t: Pick<TestApp, 'db'>, pollId: string, ms: number) {
  await t.db
    .updateTable('session_polls')
    .set({ closes_at: new Date(Date.now() + ms) })
    .where('id', '=', pollId)
    .execute();
}

const closedEvents = async (t: Pick<TestApp, 'db'>, sessionId: string, pollId: string) =>
  (await listEventsAfter(t.db, sessionId, 0, 1000)).filter((e) => e.event === 'poll:closed' && e.payload.poll.id === pollId);

for (const target of await dbTargets('timed polls')) {
  describe(`timed polls on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
    });
    after(() => t.close());

    test('durationSeconds sets closesAt; the poll closes itself at that instant and later votes are POLL_TIME_UP', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const created = (
        await t.request({
          method: 'POST',
          url: `/api/live-sessions/${sessionId}/polls`,
          token: c.mentor,
          body: { ...quiz, durationSeconds: 10 },
        })
      ).json();
      assert.equal(created.durationSeconds, 10);
      assert.equal(Date.parse(created.closesAt) - Date.parse(created.openedAt), 10_000);
      assert.equal(codeOf(await vote(t, c.student, sessionId, created.id, 1)), null, 'in time');
      const closed = await eventually(
        async () => {
          const poll = (await readPoll(t, c.student, sessionId, created.id)).json();
          return poll.status === 'closed' && poll;
        },
        'the timer to close the poll',
        15_000,
      );
      assert.equal(closed.closedAt, created.closesAt, 'closed at its closing time');
      assert.equal(closed.correctOption, 1, 'a closed quiz shows the answer');
      assert.deepEqual(closed.myResult, { correct: true, points: closed.myResult.points });
      assert.ok(closed.myResult.points > 500 && closed.myResult.points <= 1000);
      assert.equal(codeOf(await vote(t, c.student2, sessionId, created.id, 1)), 'POLL_CLOSED');
      assert.equal((await closedEvents(t, sessionId, created.id)).length, 1, 'the room heard poll:closed once');
    });

    test('a vote after the time ran out, before the timer closed the poll, is refused with POLL_TIME_UP', async () => {
      const { id: sessionId } = await liveSession(t, c);
      const pollId = await pollIn(t, c, sessionId, { ...singleChoice, durationSeconds: 3600 });
      await dueIn(t, pollId, -1);
      const late = await vote(t, c.student, sessionId, pollId, 0);
      assert.equal(codeOf(late), 'POLL_TIME_UP', late.body);
      assert.equal(late.statusCode, 409);
      const results = (await readPoll(t, c.mentor, sessionId, pollId)).json().results;
      assert.equal(results.total, 0, 'the late answer was not counted');
    });

    test('durationSeconds outside 10–3600 s is VALIDATION_FAILED', async () => {
      const { id: sessionId } = await liveSession(t, c);
      for (const durationSeconds of [9, 3601, 12.5, '60']) {
        const res = await t.request({
          method: 'POST',
          url: `/api/live-sessions/${sessionId}/polls`,
          token: c.mentor,
          body: { ...singleChoice, durationSeconds },
        });
        assert.equal(codeOf(res), 'VALIDATION_FAILED', String(durationSeconds));
      }
    });
  });

  describe(`timed polls across a restart and several nodes on ${target}`, () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    before(async () => {
      database = await freshDatabase(target);
    });
    after(() => database.drop());

    const start = async () => {
      const app = await buildApp(testConfig(), { db: database.db, logger: false });
      await app.ready();
      return app;
    };
    const asTestApp = (app: FastifyInstance): TestApp => ({
      app,
      db: database.db,
      token: signTestToken,
      request: ({ method, url, token, body }) =>
        app.inject({
          method,
          url,
          headers: token ? { authorization: `Bearer ${token}` } : {},
          ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}),
        }),
      close: () => app.close(),
    });

    test('a poll whose time ran out while no server was up is closed at the next start, once, even by two nodes', async () => {
      const first = await start();
      const t1 = asTestApp(first);
      const c = await makeCourse(t1);
      const { id: sessionId } = await liveSession(t1, c);
      const pollId = await pollIn(t1, c, sessionId, { ...quiz, durationSeconds: 600 });
      assert.equal(codeOf(await vote(t1, c.student, sessionId, pollId, 1)), null);
      await first.close();
      // The class's ten minutes passed while the service was down.
      await dueIn({ db: database.db }, pollId, -60_000);

      const [a, b] = await Promise.all([start(), start()]);
      try {
        const ta = asTestApp(a);
        const poll = await eventually(async () => {
          const p = (await readPoll(ta, c.student, sessionId, pollId)).json();
          return p.status === 'closed' && p;
        }, 'the poll closed at startup');
        assert.equal(Date.parse(poll.closedAt), Date.parse(poll.closesAt), 'closed as of its closing time, not the restart');
        assert.deepEqual(poll.results, { total: 1, counts: [0, 1] });
        await new Promise((r) => setTimeout(r, 300));
        assert.equal((await closedEvents({ db: database.db }, sessionId, pollId)).length, 1, 'one poll:closed for two nodes');
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}

/** Signs a token as the harness does (its own helper belongs to an app it builds). */
function signTestToken(claims: Partial<Claims> & { sub: string }) {
  const config = testConfig();
  return signToken(
    new TextEncoder().encode(TEST_SECRET),
    { name: claims.name ?? claims.sub, role: claims.role ?? 'student', ...claims } as Claims,
    { issuer: config.auth.issuer, audience: config.auth.audience },
  );
}
