import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { pollIn, vote } from '../polls/polls.fixtures.ts';
import { type Course, dbTargets, makeTwoCourseApp, type TestApp } from '../test/harness.ts';
import { loadMyReportInput } from './my-report-loader.ts';
import { ask, type HeldClass, heldClass, joinMeeting, MINUTE, sendChat } from './reports.fixtures.ts';
import { DEFAULT_RULES } from './rules.ts';

const S1 = 'course-1-s1';
const S2 = 'course-1-s2';

/** Counts the rows every query hands back, so a test can tell a grouped count from reading every answer. */
function rowCounter() {
  const counter = { rows: 0, queries: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      counter.queries += 1;
      counter.rows += args.result.rows.length;
      return args.result;
    },
  };
  return { counter, plugin };
}

for (const target of await dbTargets("a student's own report")) {
  describe(`GET …/report/me reads only the student's own rows, on ${target}`, () => {
    let t: TestApp;
    let c: Course;
    let held: HeldClass;
    const get = (url: string, token: string) => t.request({ method: 'GET', url, token });
    const me = (token: string) => get(`/api/live-sessions/${held.id}/report/me`, token);
    let textPoll = '';

    before(async () => {
      ({ t, c } = await makeTwoCourseApp(target));
      // Sam and Sky both take part: meeting clicks, chat, questions, upvotes on each other's, a quiz, a text poll and a
      // multiple-choice poll. Sky (not Sam) is matched in the video meeting afterwards.
      held = await heldClass(t, c, new Date('2026-11-02T09:00:00Z'), { [S1]: [[0, 50]], [S2]: [[3, 60]] }, async (id) => {
        await joinMeeting(t, c.student, id);
        await joinMeeting(t, c.student2, id);
        await sendChat(t, c.student, id, 'hello from Sam');
        await sendChat(t, c.student2, id, 'Sky secret chat');
        const samQ = (await ask(t, c.student, id, 'Why BFS?')) as { id: string };
        const skyQ = (await ask(t, c.student2, id, 'Sky secret question')) as { id: string };
        await t.request({ method: 'POST', url: `/api/live-sessions/${id}/qa/${skyQ.id}/upvote`, token: c.student });
        await t.request({ method: 'POST', url: `/api/live-sessions/${id}/qa/${samQ.id}/upvote`, token: c.student2 });
        const quiz = await pollIn(t, c, id, { question: '2 + 2?', type: 'single', options: ['3', '4'], correctOption: 1 });
        textPoll = await pollIn(t, c, id, { question: 'One word?', type: 'text' });
        const multi = await pollIn(t, c, id, { question: 'Which?', type: 'multiple', options: ['a', 'b', 'c'] });
        for (const [token, q, tx, m] of [
          [c.student, 1, 'graphs', [0, 2]],
          [c.student2, 0, 'trees', [1]],
        ] as const) {
          assert.equal((await vote(t, token, id, quiz, q)).statusCode, 200);
          assert.equal((await vote(t, token, id, textPoll, tx)).statusCode, 200);
          assert.equal((await vote(t, token, id, multi, m)).statusCode, 200);
        }
      });
      await t.db
        .insertInto('meeting_participant_segments')
        .values({
          session_id: held.id,
          user_id: S2,
          participant: 'conferenceRecords/a/participants/sky',
          display_name: 'Sky Student',
          email: null,
          joined_at: new Date(held.start.getTime() + 2 * MINUTE),
          left_at: new Date(held.start.getTime() + 58 * MINUTE),
        })
        .execute();
    });
    after(() => t.close());

    test("the student's row, answers and poll results are exactly what the class report shows", async () => {
      const report = (await get(`/api/live-sessions/${held.id}/report`, c.mentor)).json();
      for (const [token, userId] of [
        [c.student, S1],
        [c.student2, S2],
      ] as const) {
        const res = await me(token);
        assert.equal(res.statusCode, 200, res.body);
        const mine = res.json();
        assert.deepEqual(
          mine.row,
          report.students.find((s: { userId: string }) => s.userId === userId),
        );
        assert.deepEqual(
          mine.polls.map((p: { results: unknown }) => p.results),
          report.polls.map((p: { results: unknown }) => p.results),
        );
        assert.deepEqual(
          mine.polls.map((p: { myAnswer: unknown }) => p.myAnswer),
          report.polls.map((p: { answers: { userId: string }[] }) => p.answers.find((a) => a.userId === userId) ?? null),
        );
      }
    });

    test("under source meeting, a student the meeting did not see is absent in their own report as in the class's", async () => {
      const put = (attendance: unknown) =>
        t.request({ method: 'PUT', url: `/api/live-sessions/${held.id}`, token: c.mentor, body: { attendance } });
      assert.equal((await put({ source: 'meeting' })).statusCode, 200);
      try {
        const report = (await get(`/api/live-sessions/${held.id}/report`, c.mentor)).json();
        const sam = (await me(c.student)).json().row;
        assert.deepEqual([sam.status, sam.meetingMinutes], ['absent', 0]);
        assert.deepEqual(sam, report.students[0]);
      } finally {
        await put(null);
      }
    });

    test("another student's data never enters it, and more of it changes nothing in the student's row", async () => {
      const before = await me(c.student);
      for (const secret of [S2, 'Sky', 'Sky secret']) assert.doesNotMatch(before.body, new RegExp(secret));
      // Sky comes back for another stay and writes more; none of it is Sam's.
      await t.db
        .insertInto('session_attendance')
        .values({ session_id: held.id, user_id: S2, joined_at: held.start, left_at: new Date(held.start.getTime() + 2 * MINUTE) })
        .execute();
      const after = await me(c.student);
      assert.deepEqual(after.json().row, before.json().row);
      assert.doesNotMatch(after.body, /course-1-s2|Sky/);
    });

    test('the rows read do not grow with the class: poll results are counted in the database, not read answer by answer', async () => {
      const session = await t.db.selectFrom('live_sessions').selectAll().where('id', '=', held.id).executeTakeFirstOrThrow();
      const student = { userId: S1, name: 'Sam Student', email: null };
      const read = async () => {
        const { counter, plugin } = rowCounter();
        const { input } = await loadMyReportInput(t.db.withPlugin(plugin), session, DEFAULT_RULES, student, new Date());
        return { counter, input };
      };
      const first = await read();
      // Forty more students answer the text poll with answers already given: the tallies grow, the rows read do not.
      const now = new Date();
      const users = Array.from({ length: 40 }, (_, i) => ({ id: `extra-${i}`, name: `Extra ${i}`, updated_at: now }));
      await t.db.insertInto('users').values(users).execute();
      await t.db
        .insertInto('poll_responses')
        .values(
          users.map((u, i) => ({ poll_id: textPoll, user_id: u.id, choice: JSON.stringify(i % 2 ? 'graphs' : 'trees'), updated_at: now })),
        )
        .execute();
      const second = await read();
      assert.equal(second.counter.rows, first.counter.rows);
      assert.equal(second.counter.queries, first.counter.queries);
      const text = second.input.polls.find((p) => p.pollId === textPoll);
      assert.equal(text?.results.total, 42);
      assert.deepEqual(
        text?.responses.map((r) => r.userId),
        [S1],
      );
    });
  });
}
