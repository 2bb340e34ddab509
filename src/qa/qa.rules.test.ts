import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type ClassFixture, codeOf, makeClassFixture } from '../chat/class.fixture.ts';
import { auditRows, dbTargets, makeSession } from '../test/harness.ts';
import { request } from '../test/sockets.ts';

for (const target of await dbTargets('Q&A rules')) {
  describe(`Q&A rules on ${target}`, () => {
    let f: ClassFixture;
    before(async () => (f = await makeClassFixture(target)));
    after(() => f.close());
    const qaUrl = (sessionId: string, rest = '') => `/api/live-sessions/${sessionId}/qa${rest}`;
    const ask = async (sessionId: string) =>
      (await f.t.request({ method: 'POST', url: qaUrl(sessionId), token: f.c.student2, body: { question: 'Q?' } })).json().id as string;

    test('who may ask and upvote: course members and admins; outsiders cannot tell the question exists', async () => {
      const s = await f.live();
      const { c, other } = f;
      const tokens = [c.student, other.student, c.mentor, other.mentor, c.mentorWithStudentToken, c.admin];
      const qaId = await ask(s.id);
      const asks = [];
      const upvotes = [];
      const rest = [];
      for (const token of tokens) {
        const socket = await f.open(token);
        asks.push(codeOf(await request(socket, 'qa:ask', { sessionId: s.id, question: 'Q?' })));
        upvotes.push(codeOf(await request(socket, 'qa:upvote', { qaId })));
        rest.push((await f.t.request({ method: 'POST', url: qaUrl(s.id), token, body: { question: 'Q?' } })).statusCode);
        rest.push((await f.t.request({ method: 'GET', url: qaUrl(s.id), token })).statusCode);
      }
      assert.deepEqual(asks, ['ok', 'SESSION_NOT_FOUND', 'ok', 'SESSION_NOT_FOUND', 'ok', 'ok']);
      assert.deepEqual(upvotes, ['ok', 'QUESTION_NOT_FOUND', 'ok', 'QUESTION_NOT_FOUND', 'ok', 'ok']);
      assert.deepEqual(rest, [201, 200, 404, 404, 201, 200, 404, 404, 201, 200, 201, 200]);
      assert.equal((await auditRows(f.t.db, { action: 'qa.upvote', outcome: 'denied', actorId: 'course-2-s1' })).length, 1);
    });

    test('who may answer and dismiss: course mentors and admins only', async () => {
      const s = await f.live();
      const { c, other } = f;
      const tokens = [c.student, other.student, other.mentor, c.mentorWithStudentToken, c.mentor, c.admin];
      const answers = [];
      const dismissals = [];
      for (const token of tokens) {
        const socket = await f.open(token);
        answers.push(codeOf(await request(socket, 'qa:answer', { qaId: await ask(s.id), answer: 'A' })));
        dismissals.push(codeOf(await request(socket, 'qa:dismiss', { qaId: await ask(s.id) })));
      }
      const expected = ['FORBIDDEN', 'QUESTION_NOT_FOUND', 'QUESTION_NOT_FOUND', 'FORBIDDEN', 'ok', 'ok'];
      assert.deepEqual(answers, expected);
      assert.deepEqual(dismissals, expected);
      const rest = [];
      for (const token of tokens) {
        rest.push(
          (await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${await ask(s.id)}/answer`), token, body: { answer: 'A' } })).statusCode,
        );
        rest.push((await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${await ask(s.id)}/dismiss`), token })).statusCode);
      }
      assert.deepEqual(rest, [403, 403, 404, 404, 404, 404, 403, 403, 200, 200, 200, 200]);
    });

    test('Q&A off → QA_DISABLED (dismiss still works); anonymous off → ANONYMOUS_QUESTIONS_DISABLED', async () => {
      const on = await f.live();
      const qaId = await ask(on.id);
      await f.t.request({ method: 'PUT', url: `/api/live-sessions/${on.id}`, token: f.c.mentor, body: { settings: { qaEnabled: false } } });
      const student = await f.open(f.c.student);
      const mentor = await f.open(f.c.mentor);
      const codes = [
        codeOf(await request(student, 'qa:ask', { sessionId: on.id, question: 'Q?' })),
        codeOf(await request(student, 'qa:upvote', { qaId })),
        codeOf(await request(mentor, 'qa:answer', { qaId })),
        codeOf(await request(mentor, 'qa:dismiss', { qaId })),
      ];
      assert.deepEqual(codes, ['QA_DISABLED', 'QA_DISABLED', 'QA_DISABLED', 'ok']);
      const rest = await f.t.request({ method: 'POST', url: qaUrl(on.id), token: f.c.student, body: { question: 'Q?' } });
      assert.deepEqual([rest.statusCode, rest.json().error.code], [409, 'QA_DISABLED']);
      const named = await f.live({ anonymousQuestions: false });
      assert.equal(
        codeOf(await request(student, 'qa:ask', { sessionId: named.id, question: 'Q?', anonymous: true })),
        'ANONYMOUS_QUESTIONS_DISABLED',
      );
      assert.equal(codeOf(await request(student, 'qa:ask', { sessionId: named.id, question: 'Q?' })), 'ok');
      const denied = await auditRows(f.t.db, { action: 'qa.ask', outcome: 'denied', actorId: 'course-1-s1' });
      assert.ok(denied.some((r) => (r.details as { code?: string } | null)?.code === 'ANONYMOUS_QUESTIONS_DISABLED'));
    });

    test('outside a live class: SESSION_NOT_LIVE for asking, upvoting and answering; dismissing and reading still work', async () => {
      const student = await f.open(f.c.student);
      const mentor = await f.open(f.c.mentor);
      const scheduled = await makeSession(f.t, f.c.mentor, f.c.courseId);
      assert.equal(codeOf(await request(student, 'qa:ask', { sessionId: scheduled.id, question: 'Q?' })), 'SESSION_NOT_LIVE');
      const s = await f.live();
      const [a, b] = [await ask(s.id), await ask(s.id)];
      await f.t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: f.c.mentor, body: { status: 'completed' } });
      const codes = [
        codeOf(await request(student, 'qa:ask', { sessionId: s.id, question: 'Q?' })),
        codeOf(await request(student, 'qa:upvote', { qaId: a })),
        codeOf(await request(mentor, 'qa:answer', { qaId: a })),
        codeOf(await request(mentor, 'qa:dismiss', { qaId: b })),
      ];
      assert.deepEqual(codes, ['SESSION_NOT_LIVE', 'SESSION_NOT_LIVE', 'SESSION_NOT_LIVE', 'ok']);
      const statuses = async (token: string) =>
        (await f.t.request({ method: 'GET', url: qaUrl(s.id, '?sort=recent'), token }))
          .json()
          .items.map((q: { status: string }) => q.status);
      assert.deepEqual(await statuses(f.c.mentor), ['dismissed', 'open']);
      assert.deepEqual(await statuses(f.c.student), ['open'], 'students no longer see a dismissed question');
    });

    test('bad payloads are VALIDATION_FAILED (or a 404 for unknown ids), never INTERNAL', async () => {
      const s = await f.live();
      const qaId = await ask(s.id);
      const student = await f.open(f.c.student);
      const mentor = await f.open(f.c.mentor);
      const proto = JSON.parse(`{"qaId":"${qaId}","__proto__":{"admin":true}}`);
      const cases: [string, unknown, string][] = [
        ['qa:ask', { sessionId: s.id, question: 7 }, 'VALIDATION_FAILED'],
        ['qa:ask', { sessionId: s.id, question: 'x'.repeat(1001) }, 'VALIDATION_FAILED'],
        ['qa:ask', { sessionId: s.id, question: '' }, 'VALIDATION_FAILED'],
        ['qa:ask', { sessionId: s.id, question: 'Q?', anonymous: 'yes' }, 'VALIDATION_FAILED'],
        ['qa:ask', { sessionId: s.id, question: 'Q?', author: 'someone' }, 'VALIDATION_FAILED'],
        ['qa:ask', { sessionId: randomUUID(), question: 'Q?' }, 'SESSION_NOT_FOUND'],
        ['qa:upvote', proto, 'VALIDATION_FAILED'],
        ['qa:upvote', { qaId: 'nope' }, 'VALIDATION_FAILED'],
        ['qa:upvote', { qaId: randomUUID() }, 'QUESTION_NOT_FOUND'],
        ['qa:upvote', undefined, 'VALIDATION_FAILED'],
        ['qa:answer', { qaId, answer: 'x'.repeat(5001) }, 'VALIDATION_FAILED'],
        ['qa:answer', { qaId, answer: 42 }, 'VALIDATION_FAILED'],
        ['qa:answer', { qaId: randomUUID() }, 'QUESTION_NOT_FOUND'],
        ['qa:dismiss', { qaId, reason: 'spam' }, 'VALIDATION_FAILED'],
        ['qa:dismiss', { qaId: randomUUID() }, 'QUESTION_NOT_FOUND'],
      ];
      const codes = [];
      for (const [event, payload] of cases)
        codes.push(codeOf(await request(event === 'qa:ask' || event === 'qa:upvote' ? student : mentor, event, payload)));
      assert.deepEqual(
        codes,
        cases.map((c) => c[2]),
      );
      const rest = [
        await f.t.request({ method: 'POST', url: qaUrl(s.id), token: f.c.student, body: { question: 'x'.repeat(1001) } }),
        await f.t.request({ method: 'POST', url: qaUrl(s.id), token: f.c.student, body: { question: 'Q?', sessionId: s.id } }),
        await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${randomUUID()}/upvote`), token: f.c.student }),
        await f.t.request({ method: 'POST', url: qaUrl(s.id, '/nope/dismiss'), token: f.c.mentor }),
        await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${qaId}/answer`), token: f.c.mentor, body: { answer: '' } }),
        await f.t.request({ method: 'GET', url: qaUrl(s.id, '?sort=best'), token: f.c.student }),
        await f.t.request({ method: 'GET', url: qaUrl(s.id, '?cursor=W10'), token: f.c.student }),
      ];
      assert.deepEqual(
        rest.map((r) => [r.statusCode, r.json().error.code]),
        [
          [400, 'VALIDATION_FAILED'],
          [400, 'VALIDATION_FAILED'],
          [404, 'QUESTION_NOT_FOUND'],
          [400, 'VALIDATION_FAILED'],
          [400, 'VALIDATION_FAILED'],
          [400, 'VALIDATION_FAILED'],
          [400, 'INVALID_CURSOR'],
        ],
      );
    });
  });
}
