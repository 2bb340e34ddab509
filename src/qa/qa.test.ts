import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ClassFixture, codeOf, makeClassFixture } from '../chat/class.fixture.ts';
import { auditRows, dbTargets } from '../test/harness.ts';
import { request } from '../test/sockets.ts';

const CROWD = 25;

for (const target of await dbTargets('Q&A')) {
  describe(`Q&A on ${target}`, () => {
    let f: ClassFixture;
    before(async () => (f = await makeClassFixture(target)));
    after(() => f.close());
    const qaUrl = (sessionId: string, rest = '') => `/api/live-sessions/${sessionId}/qa${rest}`;

    test('qa:ask is persisted, acked with its seq, and heard by the room as qa:question', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const student = await f.joined(f.c.student, s.id);
      const ack = await request(student.socket, 'qa:ask', { sessionId: s.id, question: 'What is a heap?' });
      assert.ok(ack.ok, JSON.stringify(ack));
      const { seq, ...question } = ack.data;
      assert.deepEqual(
        { ...question, id: 'x', createdAt: 'x' },
        {
          id: 'x',
          question: 'What is a heap?',
          anonymous: false,
          author: { id: 'course-1-s1', name: 'Sam Student', role: 'student' },
          upvotes: 0,
          status: 'open',
          createdAt: 'x',
        },
      );
      assert.deepEqual((await mentor.heard.waitFor((e) => e.event === 'qa:question')).payload, { seq, question });
      const row = await f.t.db.selectFrom('session_qa').selectAll().where('id', '=', question.id).executeTakeFirstOrThrow();
      assert.equal(row.user_id, 'course-1-s1');
    });

    test('a REST question is heard by socket clients as the same qa:question', async () => {
      const s = await f.live();
      const student = await f.joined(f.c.student, s.id);
      const res = await f.t.request({ method: 'POST', url: qaUrl(s.id), token: f.c.student2, body: { question: 'Why?' } });
      assert.equal(res.statusCode, 201, res.body);
      const { seq, ...question } = res.json();
      assert.deepEqual((await student.heard.waitFor((e) => e.event === 'qa:question')).payload, { seq, question });
    });

    test('an anonymous question never shows its author — not in the ack, the event, the log, or GET, even to mentors — but the audit log keeps it', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const student = await f.open(f.c.student);
      const ack = await request(student, 'qa:ask', { sessionId: s.id, question: 'I am lost', anonymous: true });
      assert.ok(ack.ok);
      const rest = await f.t.request({
        method: 'POST',
        url: qaUrl(s.id),
        token: f.c.student,
        body: { question: 'Me too', anonymous: true },
      });
      const seen = [ack.data, rest.json()];
      const heard = await mentor.heard.waitFor((e) => e.event === 'qa:question' && e.payload.question.question === 'Me too');
      seen.push(heard.payload.question, mentor.heard.received.find((e) => e.event === 'qa:question')?.payload.question);
      for (const token of [f.c.mentor, f.c.admin, f.c.student])
        seen.push(...(await f.t.request({ method: 'GET', url: qaUrl(s.id), token })).json().items);
      const answered = await request(mentor.socket, 'qa:answer', { qaId: ack.data.id, answer: 'Read chapter 3' });
      seen.push(answered.ok && answered.data);
      assert.equal(seen.length, 11);
      for (const q of seen) {
        assert.equal(q.anonymous, true);
        assert.equal('author' in q, false, JSON.stringify(q));
        assert.equal(JSON.stringify(q).includes('course-1-s1'), false);
      }
      const log = await f.t.db.selectFrom('session_events').select('payload').where('session_id', '=', s.id).execute();
      assert.equal(JSON.stringify(log).includes('course-1-s1'), false, 'the event log names nobody');
      const row = await f.t.db.selectFrom('session_qa').selectAll().where('id', '=', ack.data.id).executeTakeFirstOrThrow();
      assert.equal(row.user_id, null);
      const audit = (await auditRows(f.t.db, { action: 'qa.ask', actorId: 'course-1-s1' })).filter((r) => r.target_id === ack.data.id);
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.outcome, 'success');
    });

    test('the mentor answers in writing or "live", answers again, and dismisses; the room hears qa:updated, then qa:removed', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const student = await f.joined(f.c.student, s.id);
      const asked = await request(student.socket, 'qa:ask', { sessionId: s.id, question: 'Big-O of quicksort?' });
      assert.ok(asked.ok);
      const qaId = asked.data.id;
      const written = await request(mentor.socket, 'qa:answer', { qaId, answer: 'n log n on average' });
      assert.ok(written.ok, JSON.stringify(written));
      assert.equal(written.data.status, 'answered');
      assert.equal(written.data.answer, 'n log n on average');
      const { seq, ...question } = written.data;
      assert.deepEqual((await student.heard.waitFor((e) => e.event === 'qa:updated')).payload, { seq, question });
      const live = await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${qaId}/answer`), token: f.c.mentor });
      assert.equal(live.statusCode, 200, live.body);
      assert.equal(live.json().status, 'answered');
      assert.equal('answer' in live.json(), false, 'answered live: no answer text');
      const dismissed = await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${qaId}/dismiss`), token: f.c.admin });
      assert.equal(dismissed.json().status, 'dismissed');
      // The room is told only that it is gone: no text, no author.
      const heard = await student.heard.waitFor((e) => e.event === 'qa:removed');
      assert.deepEqual(heard.payload, { seq: dismissed.json().seq, qaId, reason: 'dismissed' });
      const closed = [
        codeOf(await request(mentor.socket, 'qa:answer', { qaId, answer: 'again' })),
        codeOf(await request(mentor.socket, 'qa:dismiss', { qaId })),
        codeOf(await request(await f.open(f.c.student2), 'qa:upvote', { qaId })),
      ];
      assert.deepEqual(closed, ['QUESTION_CLOSED', 'QUESTION_CLOSED', 'QUESTION_CLOSED']);
      const other = await request(student.socket, 'qa:ask', { sessionId: s.id, question: 'Another' });
      assert.ok(other.ok);
      const viaSocket = await request(mentor.socket, 'qa:dismiss', { qaId: other.data.id });
      assert.equal(viaSocket.ok && viaSocket.data.status, 'dismissed');
      assert.equal((await auditRows(f.t.db, { action: 'qa.dismiss', outcome: 'success' })).length >= 2, true);
    });

    test('GET …/qa sorts by votes (then oldest first) or by time, says what I upvoted, and pages', async () => {
      const s = await f.live();
      const ask = async (question: string) =>
        (await f.t.request({ method: 'POST', url: qaUrl(s.id), token: f.c.student, body: { question } })).json().id as string;
      const [a, b, c] = [await ask('A'), await ask('B'), await ask('C')];
      const up = (token: string, qaId: string) => f.t.request({ method: 'POST', url: qaUrl(s.id, `/${qaId}/upvote`), token });
      await up(f.c.mentor, c);
      await up(f.c.student2, c);
      await up(f.c.student2, b);
      const list = async (qs: string, token = f.c.mentor) => (await f.t.request({ method: 'GET', url: qaUrl(s.id, qs), token })).json();
      const byVotes = await list('?sort=votes');
      assert.deepEqual(
        byVotes.items.map((q: { question: string; upvotes: number; upvotedByMe: boolean }) => [q.question, q.upvotes, q.upvotedByMe]),
        [
          ['C', 2, true],
          ['B', 1, false],
          ['A', 0, false],
        ],
      );
      assert.deepEqual(
        (await list('')).items.map((q: { id: string }) => q.id),
        [c, b, a],
        'votes is the default',
      );
      assert.deepEqual(
        (await list('?sort=recent')).items.map((q: { id: string }) => q.id),
        [c, b, a],
      );
      const first = await list('?sort=votes&limit=2');
      const second = await list(`?sort=votes&limit=2&cursor=${first.nextCursor}`);
      assert.deepEqual(
        [...first.items, ...second.items].map((q: { question: string }) => q.question),
        ['C', 'B', 'A'],
      );
      assert.equal(second.nextCursor, null);
      const recent = await list('?sort=recent&limit=2');
      assert.equal((await list(`?sort=recent&cursor=${recent.nextCursor}`)).items[0].id, a);
      const mixed = await f.t.request({ method: 'GET', url: qaUrl(s.id, `?sort=recent&cursor=${first.nextCursor}`), token: f.c.student });
      assert.equal(mixed.json().error.code, 'INVALID_CURSOR');
      await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${a}/dismiss`), token: f.c.mentor });
      assert.deepEqual(
        (await list('?status=open')).items.map((q: { question: string }) => q.question),
        ['C', 'B'],
      );
    });

    const askQuestion = async (sessionId: string, question = 'Why?') =>
      (await f.t.request({ method: 'POST', url: `/api/live-sessions/${sessionId}/qa`, token: f.c.student, body: { question } })).json()
        .id as string;
    const countOf = async (qaId: string) =>
      (await f.t.db.selectFrom('session_qa').select('upvotes').where('id', '=', qaId).executeTakeFirstOrThrow()).upvotes;

    test('qa:upvote is a toggle: one upvote per user, however often they click, over Socket.IO and REST alike', async () => {
      const s = await f.live();
      const qaId = await askQuestion(s.id);
      const student = await f.open(f.c.student2);
      const url = `/api/live-sessions/${s.id}/qa/${qaId}/upvote`;
      const results = [
        await request(student, 'qa:upvote', { qaId }),
        await request(student, 'qa:upvote', { qaId }),
        await request(student, 'qa:upvote', { qaId }),
      ].map((a) => (a.ok ? a.data : a.error));
      results.push((await f.t.request({ method: 'POST', url, token: f.c.student2 })).json());
      results.push((await f.t.request({ method: 'POST', url, token: f.c.mentor })).json());
      assert.deepEqual(results, [
        { upvoted: true, upvotes: 1 },
        { upvoted: false, upvotes: 0 },
        { upvoted: true, upvotes: 1 },
        { upvoted: false, upvotes: 0 },
        { upvoted: true, upvotes: 1 },
      ]);
      const rows = await f.t.db.selectFrom('qa_upvotes').selectAll().where('qa_id', '=', qaId).execute();
      assert.deepEqual(
        rows.map((r) => r.user_id),
        ['course-1-mentor'],
      );
    });

    test('a burst of upvotes from many users is counted exactly and broadcast as a few coalesced qa:updated', async () => {
      const s = await f.live();
      const qaId = await askQuestion(s.id);
      const roster = Array.from({ length: CROWD }, (_, i) => ({ userId: `crowd-${i}`, name: `Crowd ${i}`, role: 'student' }));
      const put = await f.t.request({
        method: 'PUT',
        url: `/api/courses/${f.c.courseId}/members`,
        token: f.c.admin,
        body: { members: roster },
      });
      assert.equal(put.statusCode, 200, put.body);
      const crowd = await Promise.all(roster.map(async (m) => f.open(await f.t.token({ sub: m.userId, name: m.name }))));
      const watcher = await f.joined(f.c.mentor, s.id);
      // Each user clicks twice at once, then once more: every one of them ends up upvoting.
      const acks = await Promise.all(
        crowd.flatMap((socket) => [request(socket, 'qa:upvote', { qaId }), request(socket, 'qa:upvote', { qaId })]),
      );
      assert.ok(
        acks.every((a) => a.ok),
        JSON.stringify(acks.find((a) => !a.ok)),
      );
      assert.equal(await countOf(qaId), 0, 'two clicks cancel out');
      const finals = await Promise.all(crowd.map((socket) => request(socket, 'qa:upvote', { qaId })));
      assert.ok(finals.every((a) => a.ok && a.data.upvoted === true));
      assert.equal(Math.max(...finals.map((a) => (a.ok ? a.data.upvotes : -1))), CROWD);
      assert.equal(await countOf(qaId), CROWD);
      const last = await watcher.heard.waitFor((e) => e.event === 'qa:updated' && e.payload.question.upvotes === CROWD, 3000);
      assert.equal(last.payload.question.id, qaId);
      await new Promise((r) => setTimeout(r, 400));
      const updates = watcher.heard.received.filter((e) => e.event === 'qa:updated');
      assert.ok(updates.length <= 4, `${updates.length} broadcasts for ${CROWD * 3} upvotes`);
      assert.equal(updates.at(-1)?.payload.question.upvotes, CROWD);
      const seqs = watcher.heard.received.map((e) => e.payload.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        'in seq order',
      );
      const audited = await f.t.db
        .selectFrom('audit_log')
        .select('at')
        .where('action', '=', 'qa.upvote')
        .where('target_id', '=', qaId)
        .execute();
      assert.equal(audited.length, CROWD * 3, 'every toggle is audited');
      // now() is the transaction's start: fewer distinct instants than toggles means the burst shared transactions.
      const transactions = new Set(audited.map((r) => r.at.getTime())).size;
      assert.ok(transactions < CROWD * 2, `${transactions} transactions for ${CROWD * 3} toggles`);
    });

    test('only open questions take upvotes: answered or dismissed → QUESTION_CLOSED', async () => {
      const s = await f.live();
      const answered = await askQuestion(s.id, 'answered');
      const dismissed = await askQuestion(s.id, 'dismissed');
      const mentor = await f.open(f.c.mentor);
      assert.equal(codeOf(await request(mentor, 'qa:answer', { qaId: answered })), 'ok');
      assert.equal(codeOf(await request(mentor, 'qa:dismiss', { qaId: dismissed })), 'ok');
      const student = await f.open(f.c.student2);
      assert.equal(codeOf(await request(student, 'qa:upvote', { qaId: answered })), 'QUESTION_CLOSED');
      const rest = await f.t.request({ method: 'POST', url: `/api/live-sessions/${s.id}/qa/${dismissed}/upvote`, token: f.c.student2 });
      assert.deepEqual([rest.statusCode, rest.json().error.code], [409, 'QUESTION_CLOSED']);
    });
  });
}
