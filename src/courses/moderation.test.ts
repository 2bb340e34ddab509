import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ClassFixture, codeOf, makeClassFixture } from '../chat/class.fixture.ts';
import { auditRows, dbTargets } from '../test/harness.ts';
import { assertError } from '../test/http.ts';
import { request } from '../test/sockets.ts';

for (const target of await dbTargets('course blocked words')) {
  describe(`course blocked words on ${target}`, () => {
    let f: ClassFixture;
    before(async () => (f = await makeClassFixture(target)));
    after(() => f.close());
    const url = (courseId = 'course-1') => `/api/courses/${courseId}/moderation`;
    const put = (token: string, body: unknown, courseId?: string) => f.t.request({ method: 'PUT', url: url(courseId), token, body });

    test('a course starts with no blocked words; its mentors replace the list, saved normalized and without duplicates', async () => {
      const empty = await f.t.request({ method: 'GET', url: url('course-2'), token: f.other.mentor });
      assert.equal(empty.statusCode, 200, empty.body);
      assert.deepEqual(empty.json(), { courseId: 'course-2', blockedWords: [], updatedAt: null });
      const saved = await put(f.c.mentor, { blockedWords: [' Darn ', 'darn', 'shut   up'] });
      assert.equal(saved.statusCode, 200, saved.body);
      assert.deepEqual(saved.json().blockedWords, ['Darn', 'shut up']);
      assert.deepEqual((await f.t.request({ method: 'GET', url: url(), token: f.c.admin })).json().blockedWords, ['Darn', 'shut up']);
      const audit = await auditRows(f.t.db, { action: 'course.moderation.put', outcome: 'success' });
      assert.equal(JSON.stringify(audit.at(-1)?.details), JSON.stringify({ words: 2 }), 'the audit keeps the count, not the words');
    });

    test('only the course mentors and admins read or write it; bad lists are VALIDATION_FAILED', async () => {
      assertError(await f.t.request({ method: 'GET', url: url(), token: f.c.student }), 403, 'FORBIDDEN');
      assertError(await put(f.c.student, { blockedWords: [] }), 403, 'FORBIDDEN');
      assertError(await put(f.other.mentor, { blockedWords: [] }), 403, 'FORBIDDEN');
      assertError(await put(f.c.mentorWithStudentToken, { blockedWords: [] }), 403, 'FORBIDDEN');
      assertError(await put(f.c.mentor, { blockedWords: ['x'.repeat(61)] }), 400, 'VALIDATION_FAILED');
      assertError(await put(f.c.mentor, { blockedWords: ['  '] }), 400, 'VALIDATION_FAILED');
      assertError(await put(f.c.mentor, { blockedWords: Array.from({ length: 501 }, (_, i) => `w${i}`) }), 400, 'VALIDATION_FAILED');
      assertError(await put(f.c.mentor, { words: [] }), 400, 'VALIDATION_FAILED');
      assert.ok((await auditRows(f.t.db, { action: 'course.moderation.put', outcome: 'denied' })).length >= 3);
    });

    test('chat messages and questions with a blocked word are refused with BLOCKED_WORDS, naming only what was typed', async () => {
      assert.equal((await put(f.c.mentor, { blockedWords: ['darn', 'secret list entry'] })).statusCode, 200);
      const s = await f.live();
      const listener = await f.joined(f.c.student2, s.id);
      const student = await f.open(f.c.student);
      const chat = await request(student, 'chat:send', { sessionId: s.id, body: 'Oh DARN, I missed it' });
      assert.equal(codeOf(chat), 'BLOCKED_WORDS');
      assert.ok(!chat.ok && chat.error.message.includes('"DARN"'), JSON.stringify(chat));
      assert.equal(!chat.ok && chat.error.message.includes('secret'), false, 'the rest of the list stays private');
      const rest = await f.t.request({
        method: 'POST',
        url: `/api/live-sessions/${s.id}/chat`,
        token: f.c.student,
        body: { body: 'darn' },
      });
      const error = assertError(rest, 422, 'BLOCKED_WORDS');
      assert.deepEqual(
        error.details?.map((d) => d.field),
        ['body'],
      );
      const question = await f.t.request({
        method: 'POST',
        url: `/api/live-sessions/${s.id}/qa`,
        token: f.c.student,
        body: { question: 'Is darn allowed?' },
      });
      assertError(question, 422, 'BLOCKED_WORDS');
      assert.equal(codeOf(await request(student, 'qa:ask', { sessionId: s.id, question: 'darn?' })), 'BLOCKED_WORDS');
      assert.equal(codeOf(await request(student, 'chat:send', { sessionId: s.id, body: 'darning socks, undarned' })), 'ok');
      const heard = await listener.heard.waitFor((e) => e.event === 'chat:message');
      assert.equal(heard.payload.message.body, 'darning socks, undarned');
      assert.equal(
        listener.heard.received.some((e) => JSON.stringify(e.payload).toLowerCase().includes('darn ')),
        false,
        'nothing refused reached the room',
      );
      const stored = await f.t.db.selectFrom('session_chat').select('body').where('session_id', '=', s.id).execute();
      assert.deepEqual(
        stored.map((r) => r.body),
        ['darning socks, undarned'],
      );
      assert.ok((await auditRows(f.t.db, { action: 'chat.send', outcome: 'denied', actorId: 'course-1-s1' })).length >= 2);
      // A saved change applies to the next message at once.
      assert.equal((await put(f.c.mentor, { blockedWords: [] })).statusCode, 200);
      assert.equal(codeOf(await request(student, 'chat:send', { sessionId: s.id, body: 'darn' })), 'ok');
    });
  });
}
