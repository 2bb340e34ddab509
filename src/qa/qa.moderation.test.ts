import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ClassFixture, codeOf, makeClassFixture } from '../chat/class.fixture.ts';
import { auditRows, dbTargets } from '../test/harness.ts';
import { request } from '../test/sockets.ts';

type Listed = { id: string; question: string; status: string; askedByMe: boolean; answeringNow: boolean; author?: { id: string } };

for (const target of await dbTargets('Q&A moderation')) {
  describe(`Q&A moderation on ${target}`, () => {
    let f: ClassFixture;
    before(async () => (f = await makeClassFixture(target)));
    after(() => f.close());
    const qaUrl = (sessionId: string, rest = '') => `/api/live-sessions/${sessionId}/qa${rest}`;
    const list = async (sessionId: string, token: string, qs = '') =>
      (await f.t.request({ method: 'GET', url: qaUrl(sessionId, qs), token })).json().items as Listed[];

    test('with review on, a question waits for the mentors: only they and its asker see it, the room hears only the count', async () => {
      const s = await f.live({ reviewQuestions: true });
      const mentor = await f.joined(f.c.mentor, s.id);
      const other = await f.joined(f.c.student2, s.id);
      const asker = await f.open(f.c.student);
      const asked = await request(asker, 'qa:ask', { sessionId: s.id, question: 'Is recursion magic?' });
      assert.ok(asked.ok, JSON.stringify(asked));
      assert.equal(asked.data.status, 'pending');
      const qaId = asked.data.id;
      const queued = await other.heard.waitFor((e) => e.event === 'qa:queue');
      assert.deepEqual(queued.payload, { seq: asked.data.seq, pending: 1 });
      await mentor.heard.waitFor((e) => e.event === 'qa:queue');
      assert.equal(JSON.stringify(other.heard.received).includes('recursion'), false, 'the room never hears a pending question');

      assert.deepEqual(
        (await list(s.id, f.c.mentor, '?status=pending')).map((q) => [q.question, q.status]),
        [['Is recursion magic?', 'pending']],
      );
      assert.deepEqual(
        (await list(s.id, f.c.student)).map((q) => [q.status, q.askedByMe]),
        [['pending', true]],
      );
      assert.deepEqual(await list(s.id, f.c.student2), [], 'another student does not see it');
      const otherSocket = await f.open(f.c.student2);
      assert.equal(codeOf(await request(otherSocket, 'qa:upvote', { qaId })), 'QUESTION_NOT_FOUND');
      assert.equal(codeOf(await request(mentor.socket, 'qa:answer', { qaId })), 'QUESTION_PENDING');
      assert.equal(codeOf(await request(mentor.socket, 'qa:highlight', { sessionId: s.id, qaId })), 'QUESTION_PENDING');
      assert.equal(codeOf(await request(otherSocket, 'qa:approve', { qaId })), 'FORBIDDEN');
      assert.equal(codeOf(await request(asker, 'qa:approve', { qaId })), 'FORBIDDEN', 'the asker may not approve it');

      const approved = await request(mentor.socket, 'qa:approve', { qaId });
      assert.ok(approved.ok, JSON.stringify(approved));
      assert.equal(approved.data.status, 'open');
      const shown = await other.heard.waitFor((e) => e.event === 'qa:question');
      assert.equal(shown.payload.seq, approved.data.seq);
      assert.equal(shown.payload.question.question, 'Is recursion magic?');
      assert.equal(
        (await other.heard.waitFor((e) => e.event === 'qa:queue' && e.payload.pending === 0)).payload.seq,
        approved.data.seq + 1,
      );
      assert.deepEqual(
        (await list(s.id, f.c.student2)).map((q) => q.id),
        [qaId],
      );
      assert.equal(codeOf(await request(otherSocket, 'qa:upvote', { qaId })), 'ok');
      assert.equal(codeOf(await request(mentor.socket, 'qa:approve', { qaId })), 'QUESTION_NOT_PENDING');
      assert.equal(codeOf(await request(mentor.socket, 'qa:reject', { qaId })), 'QUESTION_NOT_PENDING');
      assert.equal((await auditRows(f.t.db, { action: 'qa.approve', outcome: 'success' })).length >= 1, true);
    });

    test('a rejected question is gone for everyone but the mentors; its asker is told by qa:removed; REST twins work', async () => {
      const s = await f.live({ reviewQuestions: true });
      const asker = await f.joined(f.c.student, s.id);
      const ask = await f.t.request({
        method: 'POST',
        url: qaUrl(s.id),
        token: f.c.student,
        body: { question: 'Off topic', anonymous: true },
      });
      assert.equal(ask.statusCode, 201, ask.body);
      const qaId = ask.json().id;
      const rejected = await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${qaId}/reject`), token: f.c.mentor });
      assert.equal(rejected.statusCode, 200, rejected.body);
      assert.equal(rejected.json().status, 'rejected');
      const told = await asker.heard.waitFor((e) => e.event === 'qa:removed');
      assert.deepEqual(told.payload, { seq: rejected.json().seq, qaId, reason: 'rejected' });
      assert.deepEqual(await list(s.id, f.c.student), [], 'not even its asker lists it any more');
      assert.deepEqual(
        (await list(s.id, f.c.mentor)).map((q) => q.status),
        ['rejected'],
      );
      const again = await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${qaId}/approve`), token: f.c.mentor });
      assert.deepEqual([again.statusCode, again.json().error.code], [409, 'QUESTION_NOT_PENDING']);
      const byStudent = await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${qaId}/reject`), token: f.c.student });
      assert.equal(byStudent.statusCode, 403);
      const audit = (await auditRows(f.t.db, { action: 'qa.reject' })).filter((r) => r.session_id === s.id);
      assert.deepEqual(
        audit.map((r) => [r.outcome, r.actor_id]),
        [
          ['success', 'course-1-mentor'],
          ['denied', 'course-1-s1'],
        ],
      );
    });

    test('a dismissed question leaves the students’ lists and replays (join and GET …/events); mentors keep it', async () => {
      const s = await f.live();
      const asked = await f.t.request({ method: 'POST', url: qaUrl(s.id), token: f.c.student, body: { question: 'Secret sauce?' } });
      const qaId = asked.json().id;
      const answered = await f.t.request({
        method: 'POST',
        url: qaUrl(s.id, `/${qaId}/answer`),
        token: f.c.mentor,
        body: { answer: 'Ketchup' },
      });
      const kept = await f.t.request({ method: 'POST', url: qaUrl(s.id), token: f.c.student2, body: { question: 'Kept one' } });
      const dismissed = await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${qaId}/dismiss`), token: f.c.mentor });
      assert.equal(dismissed.json().status, 'dismissed');

      const replayOf = async (token: string) => {
        const ack = await request(await f.open(token), 'session:join', { sessionId: s.id, sinceSeq: 0 });
        assert.ok(ack.ok, JSON.stringify(ack));
        return ack.data.events as { event: string; payload: { seq: number } }[];
      };
      const students = await replayOf(f.c.student2);
      assert.equal(JSON.stringify(students).includes('Secret sauce'), false, JSON.stringify(students));
      assert.equal(JSON.stringify(students).includes('Ketchup'), false);
      assert.ok(JSON.stringify(students).includes('Kept one'));
      assert.deepEqual(
        students.map((e) => e.payload.seq),
        students.map((_, i) => students[0]!.payload.seq + i),
        'every seq is still there',
      );
      assert.deepEqual(
        students.filter((e) => e.event === 'qa:removed').map((e) => e.payload),
        [asked.json().seq, answered.json().seq, dismissed.json().seq].map((seq) => ({ seq, qaId, reason: 'dismissed' })),
        'each event that showed it is replayed as its removal',
      );
      const page = await f.t.request({ method: 'GET', url: `/api/live-sessions/${s.id}/events?since=0`, token: f.c.student });
      assert.equal(page.statusCode, 200, page.body);
      assert.equal(page.body.includes('Secret sauce'), false);
      assert.ok(
        (await replayOf(f.c.mentor)).some((e) => JSON.stringify(e).includes('Secret sauce')),
        'mentors replay the log as it is',
      );
      assert.deepEqual(
        (await list(s.id, f.c.student)).map((q) => q.id),
        [kept.json().id],
      );
      assert.deepEqual((await list(s.id, f.c.mentor)).map((q) => q.status).sort(), ['dismissed', 'open']);
    });

    test('nobody upvotes their own question (OWN_QUESTION), and only the asker is told an anonymous question is theirs', async () => {
      const s = await f.live();
      const listener = await f.joined(f.c.student2, s.id);
      const asker = await f.open(f.c.student);
      const asked = await request(asker, 'qa:ask', { sessionId: s.id, question: 'Anon?', anonymous: true });
      assert.ok(asked.ok);
      const qaId = asked.data.id;
      const own = await request(asker, 'qa:upvote', { qaId });
      assert.equal(codeOf(own), 'OWN_QUESTION');
      const rest = await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${qaId}/upvote`), token: f.c.student });
      assert.deepEqual([rest.statusCode, rest.json().error.code], [403, 'OWN_QUESTION']);
      const named = await f.t.request({ method: 'POST', url: qaUrl(s.id), token: f.c.student2, body: { question: 'Named' } });
      const ownNamed = await f.t.request({ method: 'POST', url: qaUrl(s.id, `/${named.json().id}/upvote`), token: f.c.student2 });
      assert.equal(ownNamed.json().error.code, 'OWN_QUESTION');
      assert.equal(await countUpvotes(qaId), 0);

      const mine = (await list(s.id, f.c.student)).find((q) => q.id === qaId);
      assert.equal(mine?.askedByMe, true);
      for (const token of [f.c.student2, f.c.mentor]) {
        const theirs = (await list(s.id, token)).find((q) => q.id === qaId);
        assert.equal(theirs?.askedByMe, false);
        assert.equal(JSON.stringify(theirs).includes('course-1-s1'), false);
      }
      const heard = await listener.heard.waitFor((e) => e.event === 'qa:question' && e.payload.question.id === qaId);
      assert.equal(JSON.stringify(heard.payload).includes('course-1-s1'), false, 'the broadcast names nobody');
      const denied = await auditRows(f.t.db, { action: 'qa.upvote', outcome: 'denied', actorId: 'course-1-s1' });
      assert.ok(denied.length >= 2, 'refusals are audited');
    });

    test('"answering now" highlights one open question at a time, ends when it is answered, and ends with the class', async () => {
      const s = await f.live();
      const student = await f.joined(f.c.student, s.id);
      const ask = async (question: string) =>
        (await f.t.request({ method: 'POST', url: qaUrl(s.id), token: f.c.student2, body: { question } })).json().id as string;
      const [first, second] = [await ask('First'), await ask('Second')];
      const mentor = await f.open(f.c.mentor);
      const one = await request(mentor, 'qa:highlight', { sessionId: s.id, qaId: first });
      assert.ok(one.ok, JSON.stringify(one));
      assert.deepEqual((await student.heard.waitFor((e) => e.event === 'qa:answering')).payload, { seq: one.data.seq, qaId: first });
      const two = await f.t.request({ method: 'PUT', url: qaUrl(s.id, '/answering'), token: f.c.mentor, body: { qaId: second } });
      assert.equal(two.statusCode, 200, two.body);
      assert.deepEqual(two.json(), { qaId: second, seq: one.data.seq + 1 });
      const flags = async () => (await list(s.id, f.c.student, '?sort=recent')).map((q) => [q.question, q.answeringNow]);
      assert.deepEqual(await flags(), [
        ['Second', true],
        ['First', false],
      ]);
      const answered = await request(mentor, 'qa:answer', { qaId: second });
      assert.ok(answered.ok);
      const cleared = await student.heard.waitFor((e) => e.event === 'qa:answering' && e.payload.qaId === null);
      assert.equal(cleared.payload.seq, answered.data.seq + 1, 'qa:updated, then qa:answering null');
      assert.deepEqual(await flags(), [
        ['Second', false],
        ['First', false],
      ]);
      assert.equal(codeOf(await request(mentor, 'qa:highlight', { sessionId: s.id, qaId: second })), 'QUESTION_CLOSED');
      assert.equal(codeOf(await request(await f.open(f.c.student), 'qa:highlight', { sessionId: s.id, qaId: first })), 'FORBIDDEN');
      assert.equal(codeOf(await request(mentor, 'qa:highlight', { sessionId: s.id, qaId: crypto.randomUUID() })), 'QUESTION_NOT_FOUND');
      assert.ok((await request(mentor, 'qa:highlight', { sessionId: s.id, qaId: first })).ok);
      const end = await f.t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: f.c.mentor, body: { status: 'completed' } });
      assert.equal(end.statusCode, 200, end.body);
      await student.heard.waitFor((e) => e.event === 'qa:answering' && e.payload.qaId === null && e.payload.seq > cleared.payload.seq);
      assert.deepEqual(
        (await flags()).map(([, on]) => on),
        [false, false],
      );
      assert.ok((await auditRows(f.t.db, { action: 'qa.highlight', outcome: 'success' })).length >= 3);
    });

    const countUpvotes = async (qaId: string) =>
      (await f.t.db.selectFrom('session_qa').select('upvotes').where('id', '=', qaId).executeTakeFirstOrThrow()).upvotes;
  });
}
