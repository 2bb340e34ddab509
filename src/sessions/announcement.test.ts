import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ClassFixture, codeOf, makeClassFixture } from '../chat/class.fixture.ts';
import { auditRows, dbTargets, makeSession } from '../test/harness.ts';
import { request } from '../test/sockets.ts';

for (const target of await dbTargets('announcements')) {
  describe(`announcements on ${target}`, () => {
    let f: ClassFixture;
    before(async () => (f = await makeClassFixture(target)));
    after(() => f.close());
    const url = (sessionId: string) => `/api/live-sessions/${sessionId}/announcement`;

    test('a mentor pins an announcement: the room hears it with its seq, and a late joiner gets it with the session', async () => {
      const s = await f.live();
      const mentor = await f.joined(f.c.mentor, s.id);
      const sam = await f.joined(f.c.student, s.id);
      const ack = await request(mentor.socket, 'announcement:set', { sessionId: s.id, text: '  Break until 10:15  ' });
      assert.equal(ack.ok, true, JSON.stringify(ack));
      const { announcement, seq } = ack.ok ? ack.data : ({} as never);
      assert.equal(announcement.text, 'Break until 10:15');
      assert.ok(Date.parse(announcement.setAt) > 0);
      const heard = await sam.heard.waitFor((e) => e.event === 'session:updated' && e.payload.seq === seq);
      assert.deepEqual(heard.payload.session.announcement, announcement);

      const join = await request(await f.open(f.c.student2), 'session:join', { sessionId: s.id });
      assert.deepEqual(join.ok && join.data.session.announcement, announcement);
      const got = await f.t.request({ method: 'GET', url: `/api/live-sessions/${s.id}`, token: f.c.student });
      assert.deepEqual(got.json().announcement, announcement);

      const cleared = await f.t.request({ method: 'PUT', url: url(s.id), token: f.c.mentor, body: { text: null } });
      assert.equal(cleared.statusCode, 200, cleared.body);
      assert.equal(cleared.json().announcement, null);
      await sam.heard.waitFor((e) => e.event === 'session:updated' && e.payload.seq === cleared.json().seq);
      assert.equal((await auditRows(f.t.db, { action: 'session.announce', outcome: 'success' })).length >= 2, true);
    });

    test('a mentor may pin one before class; students may not; an ended class refuses; the text is bounded', async () => {
      const scheduled = await makeSession(f.t, f.c.mentor, f.c.courseId);
      const early = await f.t.request({ method: 'PUT', url: url(scheduled.id), token: f.c.mentor, body: { text: 'Starting 5 min late' } });
      assert.equal(early.statusCode, 200, early.body);
      const student = await f.open(f.c.student);
      assert.equal(codeOf(await request(student, 'announcement:set', { sessionId: scheduled.id, text: 'hi' })), 'FORBIDDEN');
      assert.equal(
        codeOf(await request(await f.open(f.other.mentor), 'announcement:set', { sessionId: scheduled.id, text: 'x' })),
        'SESSION_NOT_FOUND',
      );
      const mentor = await f.open(f.c.mentor);
      assert.equal(codeOf(await request(mentor, 'announcement:set', { sessionId: scheduled.id, text: '   ' })), 'VALIDATION_FAILED');
      assert.equal(
        codeOf(await request(mentor, 'announcement:set', { sessionId: scheduled.id, text: 'x'.repeat(501) })),
        'VALIDATION_FAILED',
      );
      assert.equal(codeOf(await request(mentor, 'announcement:set', { sessionId: scheduled.id })), 'VALIDATION_FAILED');

      const s = await f.live();
      await f.t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: f.c.mentor, body: { status: 'completed' } });
      const ended = await f.t.request({ method: 'PUT', url: url(s.id), token: f.c.mentor, body: { text: 'Thanks all' } });
      assert.equal(ended.statusCode, 409);
      assert.equal(ended.json().error.code, 'SESSION_COMPLETED');
    });
  });
}
