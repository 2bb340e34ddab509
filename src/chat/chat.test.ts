import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auditRows, dbTargets } from '../test/harness.ts';
import { request } from '../test/sockets.ts';
import { type ClassFixture, codeOf, makeClassFixture } from './class.fixture.ts';

const XSS = `<img src=x onerror="alert('xss')"><script>document.cookie</script> & &amp; "quotes" 'single' \u00e9\u{1F600}`;

for (const target of await dbTargets('chat')) {
  describe(`chat on ${target}`, () => {
    let f: ClassFixture;
    before(async () => (f = await makeClassFixture(target)));
    after(() => f.close());

    test('chat:send is persisted, acked with its seq, and heard by the room as chat:message', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const student = await f.joined(f.c.student, s.id);
      const ack = await request(student.socket, 'chat:send', { sessionId: s.id, body: 'Is recursion on the exam?' });
      assert.ok(ack.ok, JSON.stringify(ack));
      assert.match(ack.data.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        { ...ack.data, id: 'x', createdAt: 'x' },
        {
          id: 'x',
          type: 'text',
          body: 'Is recursion on the exam?',
          author: { id: 'course-1-s1', name: 'Sam Student', role: 'student' },
          createdAt: 'x',
          seq: ack.data.seq,
        },
      );
      const heard = await mentor.heard.waitFor((e) => e.event === 'chat:message');
      const { seq, ...message } = ack.data;
      assert.deepEqual(heard.payload, { seq, message });
      const rows = await f.t.db.selectFrom('session_chat').selectAll().where('id', '=', ack.data.id).execute();
      assert.equal(rows.length, 1);
    });

    test('a REST post is heard by socket clients as the same chat:message, with the same shape', async () => {
      const s = await f.live();
      const student = await f.joined(f.c.student, s.id);
      const res = await f.t.request({
        method: 'POST',
        url: `/api/live-sessions/${s.id}/chat`,
        token: f.c.mentor,
        body: { body: 'Welcome', type: 'answer' },
      });
      assert.equal(res.statusCode, 201, res.body);
      const { seq, ...message } = res.json();
      assert.equal(message.author.role, 'mentor');
      assert.equal(message.type, 'answer');
      const heard = await student.heard.waitFor((e) => e.event === 'chat:message');
      assert.deepEqual(heard.payload, { seq, message });
    });

    test('a stored XSS string comes back byte-identical over the ack, the event, and GET', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const student = await f.joined(f.c.student, s.id);
      const ack = await request(student.socket, 'chat:send', { sessionId: s.id, body: XSS, type: 'question' });
      assert.ok(ack.ok);
      assert.equal(ack.data.body, XSS);
      assert.equal((await mentor.heard.waitFor((e) => e.event === 'chat:message')).payload.message.body, XSS);
      const list = await f.t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/chat`, token: f.c.student2 });
      assert.equal(list.json().items[0].body, XSS);
      assert.equal(list.headers['content-type'], 'application/json; charset=utf-8');
    });

    test('GET …/chat returns the latest messages oldest first and pages back in time, without deleted ones', async () => {
      const s = await f.live();
      const sent = [];
      for (let i = 1; i <= 7; i++) {
        const res = await f.t.request({
          method: 'POST',
          url: `/api/live-sessions/${s.id}/chat`,
          token: f.c.student,
          body: { body: `m${i}` },
        });
        sent.push(res.json());
      }
      const del = await f.t.request({ method: 'DELETE', url: `/api/live-sessions/${s.id}/chat/${sent[5].id}`, token: f.c.mentor });
      assert.equal(del.statusCode, 200, del.body);
      const bodies = [];
      let cursor: string | null = null;
      do {
        const qs: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3';
        const page = await f.t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/chat${qs}`, token: f.c.student2 });
        assert.equal(page.statusCode, 200, page.body);
        bodies.unshift(page.json().items.map((m: { body: string }) => m.body));
        cursor = page.json().nextCursor;
      } while (cursor);
      assert.deepEqual(bodies, [
        ['m1', 'm2', 'm3'],
        ['m4', 'm5', 'm7'],
      ]);
      const bad = await f.t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/chat?cursor=bm9wZQ`, token: f.c.student });
      assert.equal(bad.json().error.code, 'INVALID_CURSOR');
    });

    test('history lists a concurrent burst in exactly the order the room heard it (seq order)', async () => {
      const s = await f.live();
      const senders = [await f.open(f.c.student), await f.open(f.c.student2), await f.open(f.c.mentor)];
      const acks = await Promise.all(
        Array.from({ length: 30 }, (_, i) => request(senders[i % 3]!, 'chat:send', { sessionId: s.id, body: `b${i}` })),
      );
      const bySeq = acks.map((a) => (a.ok ? a.data : assert.fail(JSON.stringify(a)))).sort((a, b) => a.seq - b.seq);
      const list = await f.t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/chat?limit=100`, token: f.c.student });
      assert.deepEqual(
        list.json().items.map((m: { id: string }) => m.id),
        bySeq.map((m) => m.id),
      );
    });

    test('chat:delete by the mentor soft-deletes, is audited, and the room hears chat:deleted', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const student = await f.joined(f.c.student, s.id);
      const sent = await request(student.socket, 'chat:send', { sessionId: s.id, body: 'spam' });
      assert.ok(sent.ok);
      const del = await request(mentor.socket, 'chat:delete', { messageId: sent.data.id });
      assert.ok(del.ok, JSON.stringify(del));
      assert.equal(del.data.messageId, sent.data.id);
      const heard = await student.heard.waitFor((e) => e.event === 'chat:deleted');
      assert.deepEqual(heard.payload, del.data);
      const row = await f.t.db.selectFrom('session_chat').selectAll().where('id', '=', sent.data.id).executeTakeFirstOrThrow();
      assert.equal(row.deleted_by, 'course-1-mentor');
      assert.ok(row.deleted_at instanceof Date);
      assert.equal((await auditRows(f.t.db, { action: 'chat.delete', outcome: 'success' })).length >= 1, true);
      const again = await request(mentor.socket, 'chat:delete', { messageId: sent.data.id });
      assert.equal(codeOf(again), 'MESSAGE_NOT_FOUND', 'a deleted message is gone');
    });

    test('DELETE …/chat/:messageId is scoped to its session', async () => {
      const s1 = await f.live();
      const s2 = await f.live();
      const sent = await f.t.request({ method: 'POST', url: `/api/live-sessions/${s1.id}/chat`, token: f.c.student, body: { body: 'hi' } });
      const wrong = await f.t.request({ method: 'DELETE', url: `/api/live-sessions/${s2.id}/chat/${sent.json().id}`, token: f.c.mentor });
      assert.equal(wrong.json().error.code, 'MESSAGE_NOT_FOUND');
      const right = await f.t.request({ method: 'DELETE', url: `/api/live-sessions/${s1.id}/chat/${sent.json().id}`, token: f.c.admin });
      assert.equal(right.statusCode, 200);
      assert.equal(right.json().messageId, sent.json().id);
    });
  });
}
