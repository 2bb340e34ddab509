import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ClassFixture, codeOf, makeClassFixture } from '../chat/class.fixture.ts';
import { REACTIONS_PER_MINUTE } from '../classroom/action-limits.ts';
import { dbTargets, makeSession } from '../test/harness.ts';
import { request } from '../test/sockets.ts';
import { BURST_MS } from './reactions.service.ts';

for (const target of await dbTargets('reactions')) {
  describe(`reactions on ${target}`, () => {
    let f: ClassFixture;
    before(async () => (f = await makeClassFixture(target)));
    after(() => f.close());
    const url = (sessionId: string) => `/api/live-sessions/${sessionId}/reactions`;

    test('a flurry of reactions reaches the room as one burst with the counts, and is stored per minute', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const sam = await f.joined(f.c.student, s.id);
      const sky = await f.joined(f.c.student2, s.id);
      const sent = [
        ...Array.from({ length: 5 }, () => request(sam.socket, 'reaction:send', { sessionId: s.id, reaction: 'heart' })),
        request(sam.socket, 'reaction:send', { sessionId: s.id, reaction: 'clap' }),
        request(sky.socket, 'reaction:send', { sessionId: s.id, reaction: 'heart' }),
      ];
      const rest = await f.t.request({ method: 'POST', url: url(s.id), token: f.c.student2, body: { reaction: 'party' } });
      assert.equal(rest.statusCode, 202, rest.body);
      assert.deepEqual((await Promise.all(sent)).map(codeOf), Array(7).fill('ok'));

      const burst = await mentor.heard.waitFor((e) => e.event === 'reaction:burst', BURST_MS * 3);
      assert.deepEqual(burst.payload, { sessionId: s.id, counts: { heart: 6, clap: 1, party: 1 } });
      await sky.heard.waitFor((e) => e.event === 'reaction:burst');
      await new Promise((r) => setTimeout(r, BURST_MS * 1.5));
      const bursts = mentor.heard.received.filter((e) => e.event === 'reaction:burst');
      assert.equal(bursts.length, 1, 'eight clicks, one broadcast');
      assert.equal(mentor.heard.received.filter((e) => e.event === 'events').length, 0, 'not in the event log');

      const report = await f.t.request({ method: 'GET', url: url(s.id), token: f.c.mentor });
      assert.equal(report.statusCode, 200, report.body);
      assert.deepEqual(report.json().totals, { heart: 6, clap: 1, party: 1 });
      assert.equal(report.json().minutes.length, 1);
      assert.match(report.json().minutes[0].minute, /:00\.000Z$/);
      assert.equal((await f.t.request({ method: 'GET', url: url(s.id), token: f.c.student })).statusCode, 403);
    });

    test('only the fixed set, only members, only while the class is live', async () => {
      const s = await f.live();
      const { c, other } = f;
      const student = await f.open(c.student);
      assert.equal(codeOf(await request(student, 'reaction:send', { sessionId: s.id, reaction: 'poop' })), 'VALIDATION_FAILED');
      assert.equal(
        codeOf(await request(await f.open(other.student), 'reaction:send', { sessionId: s.id, reaction: 'clap' })),
        'SESSION_NOT_FOUND',
      );
      const scheduled = await makeSession(f.t, c.mentor, c.courseId);
      assert.equal(codeOf(await request(student, 'reaction:send', { sessionId: scheduled.id, reaction: 'clap' })), 'SESSION_NOT_LIVE');
      const bad = await f.t.request({ method: 'POST', url: url(s.id), token: c.student, body: { reaction: '👍' } });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'VALIDATION_FAILED');
    });

    test('a user who holds the button down is rate-limited', async () => {
      const s = await f.live();
      const socket = await f.open(f.c.mentorWithStudentToken);
      const codes = [];
      for (let i = 0; i <= REACTIONS_PER_MINUTE; i++)
        codes.push(codeOf(await request(socket, 'reaction:send', { sessionId: s.id, reaction: 'wow' })));
      assert.deepEqual(codes.slice(0, REACTIONS_PER_MINUTE), Array(REACTIONS_PER_MINUTE).fill('ok'));
      assert.equal(codes.at(-1), 'RATE_LIMITED');
    });
  });
}
