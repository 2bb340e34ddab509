import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { auditRows, dbTargets, makeSession } from '../test/harness.ts';
import { request } from '../test/sockets.ts';
import { type ClassFixture, codeOf, makeClassFixture } from './class.fixture.ts';

for (const target of await dbTargets('chat rules')) {
  describe(`chat rules on ${target}`, () => {
    let f: ClassFixture;
    before(async () => (f = await makeClassFixture(target)));
    after(() => f.close());

    test('who may send: course members and admins; outsiders cannot tell the session exists', async () => {
      const s = await f.live();
      const { c, other } = f;
      const tokens = [c.student, other.student, c.mentor, other.mentor, c.mentorWithStudentToken, c.admin];
      const socketCodes = [];
      const restCodes = [];
      for (const token of tokens) {
        socketCodes.push(codeOf(await request(await f.open(token), 'chat:send', { sessionId: s.id, body: 'hello' })));
        restCodes.push(
          (await f.t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/chat`, token, body: { body: 'hello' } })).statusCode,
        );
      }
      assert.deepEqual(socketCodes, ['ok', 'SESSION_NOT_FOUND', 'ok', 'SESSION_NOT_FOUND', 'ok', 'ok']);
      assert.deepEqual(restCodes, [201, 404, 201, 404, 201, 201]);
      const denied = await auditRows(f.t.db, { action: 'chat.send', outcome: 'denied', actorId: 'course-2-s1' });
      assert.equal(denied.length, 2, 'both refusals are audited');
      const reads = [];
      for (const token of [c.student, other.student, c.admin]) {
        reads.push((await f.t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/chat`, token })).statusCode);
      }
      assert.deepEqual(reads, [200, 404, 200]);
    });

    test('who may delete: course mentors and admins; a student is refused, an outsider hears the message does not exist', async () => {
      const s = await f.live();
      const { c, other } = f;
      const send = async () =>
        (await f.t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/chat`, token: c.student, body: { body: 'x' } })).json().id;
      const messageId = await send();
      const codes = [];
      for (const token of [c.student, other.student, other.mentor, c.mentorWithStudentToken, c.mentor]) {
        codes.push(codeOf(await request(await f.open(token), 'chat:delete', { messageId })));
      }
      assert.deepEqual(codes, ['FORBIDDEN', 'MESSAGE_NOT_FOUND', 'MESSAGE_NOT_FOUND', 'FORBIDDEN', 'ok']);
      const second = await send();
      const rest = [];
      for (const token of [c.student, other.mentor, c.mentorWithStudentToken, c.admin]) {
        rest.push(
          (await f.t.request({ method: 'DELETE', url: `/api/live-sessions/${s.id}/chat/${second}`, token })).json().error?.code ?? 'ok',
        );
      }
      assert.deepEqual(rest, ['FORBIDDEN', 'SESSION_NOT_FOUND', 'FORBIDDEN', 'ok']);
    });

    test('chat off → CHAT_DISABLED; a class not live → SESSION_NOT_LIVE; history stays readable', async () => {
      const off = await f.live({ chatEnabled: false });
      const student = await f.open(f.c.student);
      assert.equal(codeOf(await request(student, 'chat:send', { sessionId: off.id, body: 'hi' })), 'CHAT_DISABLED');
      const rest = await f.t.request({
        method: 'POST',
        url: `/api/live-sessions/${off.id}/chat`,
        token: f.c.student,
        body: { body: 'hi' },
      });
      assert.equal(rest.statusCode, 409);
      assert.equal(rest.json().error.code, 'CHAT_DISABLED');
      const scheduled = await makeSession(f.t, f.c.mentor, f.c.courseId);
      assert.equal(codeOf(await request(student, 'chat:send', { sessionId: scheduled.id, body: 'hi' })), 'SESSION_NOT_LIVE');
      const ended = await f.live();
      assert.equal(codeOf(await request(student, 'chat:send', { sessionId: ended.id, body: 'before the end' })), 'ok');
      await f.t.request({ method: 'PUT', url: `/api/live-sessions/${ended.id}`, token: f.c.mentor, body: { status: 'completed' } });
      assert.equal(codeOf(await request(student, 'chat:send', { sessionId: ended.id, body: 'after' })), 'SESSION_NOT_LIVE');
      const history = await f.t.request({ method: 'GET', url: `/api/live-sessions/${ended.id}/chat`, token: f.c.student });
      assert.deepEqual(
        history.json().items.map((m: { body: string }) => m.body),
        ['before the end'],
      );
    });

    test('messages racing the end of class land before session:updated or are refused: none after it', async () => {
      const s = await f.live();
      const watcher = await f.joined(f.c.admin, s.id);
      const student = await f.open(f.c.student);
      const sends = Array.from({ length: 12 }, (_, i) => request(student, 'chat:send', { sessionId: s.id, body: `race ${i}` }));
      const end = f.t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: f.c.mentor, body: { status: 'completed' } });
      const acks = await Promise.all(sends);
      assert.equal((await end).statusCode, 200);
      assert.ok(
        acks.every((a) => a.ok || a.error.code === 'SESSION_NOT_LIVE'),
        JSON.stringify(acks.find((a) => !a.ok)),
      );
      const ended = (await watcher.heard.waitFor((e) => e.event === 'session:updated' && e.payload.session.status === 'completed')).payload
        .seq;
      for (const a of acks) if (a.ok) assert.ok(a.data.seq < ended, 'an accepted message precedes the end');
      const stored = await f.t.db.selectFrom('session_chat').select('id').where('session_id', '=', s.id).execute();
      assert.equal(stored.length, acks.filter((a) => a.ok).length);
    });

    test('bad payloads are VALIDATION_FAILED (or a 404 for unknown ids), never INTERNAL', async () => {
      const s = await f.live();
      const student = await f.open(f.c.student);
      const mentor = await f.open(f.c.mentor);
      const proto = JSON.parse(`{"sessionId":"${s.id}","body":"hi","__proto__":{"admin":true}}`);
      const payloads: [string, unknown, string][] = [
        ['chat:send', { sessionId: s.id, body: 42 }, 'VALIDATION_FAILED'],
        ['chat:send', { sessionId: s.id, body: 'x'.repeat(2001) }, 'VALIDATION_FAILED'],
        ['chat:send', { sessionId: s.id, body: '   ' }, 'VALIDATION_FAILED'],
        ['chat:send', { sessionId: s.id, body: 'a\u0000b' }, 'VALIDATION_FAILED'],
        ['chat:send', { sessionId: s.id, body: 'hi', type: 'html' }, 'VALIDATION_FAILED'],
        ['chat:send', { sessionId: s.id, body: 'hi', extra: 1 }, 'VALIDATION_FAILED'],
        ['chat:send', proto, 'VALIDATION_FAILED'],
        ['chat:send', 'hello', 'VALIDATION_FAILED'],
        ['chat:send', null, 'VALIDATION_FAILED'],
        ['chat:send', [s.id, 'hi'], 'VALIDATION_FAILED'],
        ['chat:send', { sessionId: 'nope', body: 'hi' }, 'VALIDATION_FAILED'],
        ['chat:send', { sessionId: randomUUID(), body: 'hi' }, 'SESSION_NOT_FOUND'],
        ['chat:delete', { messageId: 5 }, 'VALIDATION_FAILED'],
        ['chat:delete', { messageId: randomUUID() }, 'MESSAGE_NOT_FOUND'],
      ];
      const codes = [];
      for (const [event, payload] of payloads)
        codes.push(codeOf(await request(event === 'chat:delete' ? mentor : student, event, payload)));
      assert.deepEqual(
        codes,
        payloads.map((p) => p[2]),
      );
      const unknown = await request(student, 'chat:send', { sessionId: s.id, body: 'hi', extra: 1 });
      assert.equal(!unknown.ok && unknown.error.details?.[0]?.field, 'extra');
      assert.equal(codeOf(await request(student, 'chat:send', { sessionId: s.id, body: 'x'.repeat(2000) })), 'ok', '2000 is the limit');

      const url = `/api/live-sessions/${s.id}/chat`;
      const rest = [
        await f.t.request({ method: 'POST', url, token: f.c.student, body: { body: 42 } }),
        await f.t.request({ method: 'POST', url, token: f.c.student, body: { body: 'x'.repeat(2001) } }),
        await f.t.request({ method: 'POST', url, token: f.c.student, body: { body: 'hi', sessionId: s.id } }),
        await f.t.app.inject({
          method: 'POST',
          url,
          headers: { authorization: `Bearer ${f.c.student}`, 'content-type': 'application/json' },
          payload: '{"body":"hi","__proto__":{"x":1}}',
        }),
        await f.t.request({ method: 'POST', url, token: f.c.student }),
        await f.t.request({ method: 'DELETE', url: `${url}/nope`, token: f.c.mentor }),
        await f.t.request({ method: 'DELETE', url: `${url}/${randomUUID()}`, token: f.c.mentor }),
        await f.t.request({ method: 'GET', url: `${url}?limit=1000`, token: f.c.student }),
      ];
      assert.deepEqual(
        rest.map((r) => [r.statusCode, r.json().error.code]),
        [
          [400, 'VALIDATION_FAILED'],
          [400, 'VALIDATION_FAILED'],
          [400, 'VALIDATION_FAILED'],
          [400, 'INVALID_JSON'],
          [400, 'VALIDATION_FAILED'],
          [400, 'VALIDATION_FAILED'],
          [404, 'MESSAGE_NOT_FOUND'],
          [400, 'VALIDATION_FAILED'],
        ],
      );
    });
  });
}
