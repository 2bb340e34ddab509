import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Socket } from 'socket.io-client';
import { makeCourse, makeTestApp, makeSession, type Course, type TestApp } from '../test/harness.ts';
import { type Ack, connect, listen, request } from '../test/sockets.ts';

/** Emits with any arguments and resolves with the ack; a hang fails after `ms` (generous: the machine is shared). */
function emitRaw(socket: Socket, event: string, args: unknown[], ms = 2000): Promise<Ack> {
  return socket.timeout(ms).emitWithAck(event, ...args) as Promise<Ack>;
}

/** Ack frames (`43<id>[…]`) the client receives, per ack id: every request must be answered exactly once. */
function ackFrames(socket: Socket): Map<number, number> {
  const counts = new Map<number, number>();
  socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
    const m = packet.type === 'message' && typeof packet.data === 'string' ? /^3(\d+)/.exec(packet.data) : null;
    if (m) counts.set(Number(m[1]), (counts.get(Number(m[1])) ?? 0) + 1);
  });
  return counts;
}

describe('every client event is answered', () => {
  let t: TestApp;
  let c: Course;
  let socket: Socket;
  before(async () => {
    t = await makeTestApp('pglite');
    c = await makeCourse(t);
    socket = await connect(await listen(t), c.student);
  });
  after(async () => {
    socket.disconnect();
    await t.close();
  });

  test('the registered events are the session, chat, Q&A and poll events', () => {
    for (const event of ['session:join', 'session:leave', 'session:status', 'chat:send', 'poll:vote', 'qa:ask']) {
      assert.ok(t.app.clientEvents.includes(event), `${event} in ${t.app.clientEvents.join(', ')}`);
    }
  });

  test('an emit without a payload gets VALIDATION_FAILED at once, for every registered event', async () => {
    for (const event of t.app.clientEvents) {
      const sent = performance.now();
      const ack = await emitRaw(socket, event, []);
      const ms = performance.now() - sent;
      assert.equal(ack.ok, false, event);
      assert.equal(!ack.ok && ack.error.code, 'VALIDATION_FAILED', `${event}: ${JSON.stringify(ack)}`);
      assert.match(!ack.ok ? ack.error.message : '', /needs a payload object/);
      // The bar is 100 ms; a loaded shared machine gets slack, a hang (the bug) would hit the 2 s timeout.
      assert.ok(ms < 1000, `${event} answered in ${ms.toFixed(0)} ms`);
    }
  });

  test('a payload that is not an object gets VALIDATION_FAILED, for every registered event', async () => {
    for (const event of t.app.clientEvents) {
      for (const payload of ['x', 42, null, [], true]) {
        const ack = await emitRaw(socket, event, [payload]);
        assert.equal(!ack.ok && ack.error.code, 'VALIDATION_FAILED', `${event} ${JSON.stringify(payload)}: ${JSON.stringify(ack)}`);
      }
    }
  });

  test('extra arguments before the ack get VALIDATION_FAILED saying how many came, and nothing is done', async () => {
    const s = await makeSession(t, c.mentor, c.courseId);
    const ack = await emitRaw(socket, 'session:join', [{ sessionId: s.id }, 'extra']);
    assert.equal(!ack.ok && ack.error.code, 'VALIDATION_FAILED', JSON.stringify(ack));
    assert.match(!ack.ok ? ack.error.message : '', /got 2 arguments/);
    const rows = await t.db.selectFrom('session_attendance').selectAll().where('session_id', '=', s.id).execute();
    assert.equal(rows.length, 0);
  });

  test('an unknown event with an ack gets UNKNOWN_EVENT; without one it is ignored and the socket keeps working', async () => {
    const ack = await emitRaw(socket, 'chat:sendd', [{ sessionId: 'x', body: 'hi' }]);
    assert.deepEqual(ack, { ok: false, error: { code: 'UNKNOWN_EVENT', message: 'No client event "chat:sendd"; see docs/realtime.md' } });
    assert.equal(!(await emitRaw(socket, 'nope', [])).ok && 'answered', 'answered');
    socket.emit('nope', { a: 1 });
    // `error` is not reserved on the wire: a client may send it like any unknown name.
    assert.equal(codeOf(await emitRaw(socket, 'error', [{}])), 'UNKNOWN_EVENT');
    socket.emit('error', new Error('x'));
    assert.equal(socket.connected, true);
    const s = await makeSession(t, c.mentor, c.courseId);
    assert.equal((await request(socket, 'session:join', { sessionId: s.id })).ok, true);
  });

  test('a known event is answered exactly once (the unknown-event check does not answer it too)', async () => {
    const s = await makeSession(t, c.mentor, c.courseId);
    const s2 = await connect(await listen(t), c.student2);
    try {
      const frames = ackFrames(s2);
      assert.equal((await request(s2, 'session:join', { sessionId: s.id })).ok, true);
      assert.equal(codeOf(await emitRaw(s2, 'chat:send', [])), 'VALIDATION_FAILED');
      assert.equal(codeOf(await emitRaw(s2, 'poll:vote', [{ pollId: 'no-such-poll', choice: 0 }])), 'VALIDATION_FAILED');
      assert.equal(codeOf(await emitRaw(s2, 'unheard:of', [{}])), 'UNKNOWN_EVENT');
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual([...frames.values()], [1, 1, 1, 1], `ack frames per request id: ${JSON.stringify([...frames])}`);
    } finally {
      s2.disconnect();
    }
  });
});

const codeOf = (ack: Ack): string => (ack.ok ? 'ok' : ack.error.code);
