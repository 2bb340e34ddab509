import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Course, makeCourse, makeSession, makeTestApp, type TestApp } from '../../src/test/harness.ts';
import { listen } from '../../src/test/sockets.ts';
import { connectSio } from './sio-client.ts';

describe('the benchmark load client speaks our Socket.IO protocol', () => {
  let t: TestApp;
  let c: Course;
  let base: string;
  before(async () => {
    t = await makeTestApp('pglite');
    c = await makeCourse(t);
    base = await listen(t);
  });
  after(() => t.close());

  for (const batch of [false, true]) {
    test(`it authenticates, joins a session room, sends with an ack and receives the broadcast${batch ? ' (batched room events)' : ''}`, async () => {
      const s = await makeSession(t, c.mentor, c.courseId);
      await t.request({ method: 'PUT', url: `/api/live-sessions/${s.id}`, token: c.mentor, body: { status: 'live' } });
      const student = await connectSio(base, { token: c.student, batch });
      const mentor = await connectSio(base, { token: c.mentor, batch });
      const heard = new Promise<any>((resolve) => student.on('chat:message', resolve));
      assert.equal((await student.request('session:join', { sessionId: s.id })).ok, true);
      assert.equal((await mentor.request('session:join', { sessionId: s.id })).ok, true);
      const sent = await mentor.request('chat:send', { sessionId: s.id, body: 'hello from the bench client' });
      assert.equal(sent.ok, true);
      const message = await heard;
      assert.equal(message.message.body, 'hello from the bench client');
      assert.equal(message.seq, sent.data.seq);
      student.close();
      mentor.close();
    });
  }

  test('a bad token is refused at connect', async () => {
    await assert.rejects(
      connectSio(base, { token: 'nope' }),
      (e: Error & { data?: { code?: string } }) => e.data?.code === 'UNAUTHENTICATED',
    );
  });
});
