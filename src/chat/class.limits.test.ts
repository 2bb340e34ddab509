import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { dbTargets, makeSession } from '../test/harness.ts';
import { request } from '../test/sockets.ts';
import { type ClassFixture, codeOf, makeClassFixture } from './class.fixture.ts';

for (const target of await dbTargets('class action limits')) {
  describe(`per-user action limits on ${target}`, () => {
    let f: ClassFixture;
    before(async () => (f = await makeClassFixture(target, { CHAT_RATE_PER_MIN: '3', QA_RATE_PER_MIN: '3', UPVOTE_RATE_PER_MIN: '3' })));
    after(() => f.close());

    test('the 4th message in a minute is RATE_LIMITED, over Socket.IO and REST alike; refusals before it cost nothing', async () => {
      const scheduled = await makeSession(f.t, f.c.mentor, f.c.courseId);
      const s = await f.live();
      const student = await f.open(f.c.student);
      for (let i = 0; i < 3; i++) {
        assert.equal(codeOf(await request(student, 'chat:send', { sessionId: scheduled.id, body: 'early' })), 'SESSION_NOT_LIVE');
      }
      const codes = [];
      for (let i = 0; i < 2; i++) codes.push(codeOf(await request(student, 'chat:send', { sessionId: s.id, body: `m${i}` })));
      const url = `/api/live-sessions/${s.id}/chat`;
      codes.push((await f.t.request({ method: 'POST', url, token: f.c.student, body: { body: 'm2' } })).statusCode);
      codes.push(codeOf(await request(student, 'chat:send', { sessionId: s.id, body: 'm3' })));
      const rest = await f.t.request({ method: 'POST', url, token: f.c.student, body: { body: 'm4' } });
      codes.push(rest.statusCode, rest.json().error.code);
      assert.deepEqual(codes, ['ok', 'ok', 201, 'RATE_LIMITED', 429, 'RATE_LIMITED']);
      assert.equal(codeOf(await request(await f.open(f.c.student2), 'chat:send', { sessionId: s.id, body: 'mine' })), 'ok', 'per user');
      const stored = await f.t.db.selectFrom('session_chat').select('body').where('session_id', '=', s.id).execute();
      assert.equal(stored.length, 4);
    });

    test('the 4th question and the 4th upvote in a minute are RATE_LIMITED, over Socket.IO and REST alike', async () => {
      const s = await f.live();
      const student = await f.open(f.c.student);
      const asks = [];
      for (let i = 0; i < 3; i++) asks.push(await request(student, 'qa:ask', { sessionId: s.id, question: `Q${i}` }));
      const fourth = await f.t.request({
        method: 'POST',
        url: `/api/live-sessions/${s.id}/qa`,
        token: f.c.student,
        body: { question: 'Q3' },
      });
      assert.deepEqual([...asks.map(codeOf), fourth.statusCode, fourth.json().error.code], ['ok', 'ok', 'ok', 429, 'RATE_LIMITED']);
      const qaId = asks[0]?.ok ? asks[0].data.id : '';
      const voter = await f.open(f.c.student2);
      const votes = [];
      for (let i = 0; i < 4; i++) votes.push(codeOf(await request(voter, 'qa:upvote', { qaId })));
      assert.deepEqual(votes, ['ok', 'ok', 'ok', 'RATE_LIMITED']);
      const stored = await f.t.db.selectFrom('session_qa').select('upvotes').where('id', '=', qaId).executeTakeFirstOrThrow();
      assert.equal(stored.upvotes, 1, 'three toggles: on, off, on');
    });
  });
}
