/**
 * The sliced fan-out: each socket hears every event of its room once, in seq order, even when sockets join or leave
 * between slices; events that become ready while a pass sweeps the room reach each socket together, with the next
 * write the sweep makes to it; sockets that opted in get them as one `events` frame. Sliced to one recipient per
 * slice here, so every gap between slices is visible.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { StoredEvent } from '../events/events.repo.ts';
import { BATCH_EVENT, createRoomFanout, type RoomNotice } from './fanout.ts';
import type { RealtimeServer, RealtimeSocket } from './server.ts';
import { wireStats } from './wire.ts';

const ROOM = 'session:s1';
const event = (seq: number): StoredEvent => ({ seq, event: 'chat:deleted', payload: { seq, messageId: `m${seq}` } });
const burst = (heart: number): RoomNotice => ({ event: 'reaction:burst', payload: { sessionId: 's1', counts: { heart } } });
const untilIdle = async (fanout: { busy(): boolean }) => {
  while (fanout.busy()) await new Promise((r) => setImmediate(r));
};

interface Member {
  client: Socket;
  server: RealtimeSocket;
  /** Seqs in arrival order, whichever frame carried them. */
  seqs: number[];
  frames: string[];
  /** Notices heard (reaction bursts), in order. */
  bursts: unknown[];
}

describe('the sliced room fan-out', () => {
  let io: RealtimeServer;
  let port: number;
  const connected = new Map<string, RealtimeSocket>();
  before(async () => {
    const http = createServer();
    io = new Server(http);
    io.use((socket, next) => {
      if (socket.handshake.auth?.batch === true) socket.data.batch = true;
      next();
    });
    io.on('connection', (s) => connected.set(s.id, s));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    port = (http.address() as { port: number }).port;
  });
  after(() => new Promise<void>((r) => io.close(() => r())));

  async function member(opts: { batch?: boolean; join?: boolean; transport?: 'websocket' | 'polling' } = {}): Promise<Member> {
    const client = connectClient(`http://127.0.0.1:${port}`, {
      transports: [opts.transport ?? 'websocket'],
      upgrade: false,
      reconnection: false,
      forceNew: true,
      auth: { batch: opts.batch },
    });
    const m: Member = { client, server: undefined as never, seqs: [], frames: [], bursts: [] };
    client.onAny((name: string, payload: unknown) => {
      m.frames.push(name);
      if (name === 'reaction:burst') return void m.bursts.push(payload);
      const list = name === BATCH_EVENT ? (payload as { payload: { seq: number } }[]).map((e) => e.payload) : [payload as { seq: number }];
      for (const p of list) m.seqs.push(p.seq);
    });
    await new Promise<void>((r) => client.once('connect', () => r()));
    while (!connected.has(client.id!)) await new Promise((r) => setImmediate(r));
    m.server = connected.get(client.id!)!;
    if (opts.join !== false) m.server.join(ROOM);
    return m;
  }
  const received = async (members: Member[], count: number) => {
    while (members.some((m) => m.seqs.length < count)) await new Promise((r) => setTimeout(r, 5));
  };

  test('a socket that joins mid-fan-out gets the running events by replay only, and every later event live', async () => {
    const [a, b, c] = [await member(), await member(), await member()];
    const fanout = createRoomFanout(io, ROOM, 0, { sliceMs: 0, checkEvery: 1 });
    fanout.push([event(1), event(2)]);
    assert.equal(fanout.busy(), true, 'one recipient per slice: the fan-out must still be running');
    // The join as channels.subscribe does it: replay up to fanned(), skip the running fan-out, then join the room.
    const d = await member({ join: false });
    assert.equal(fanout.fanned(), 2);
    d.seqs.push(1, 2); // its replay
    fanout.joined(d.server.id);
    d.server.join(ROOM);
    fanout.push([event(3)]);
    await untilIdle(fanout);
    await received([a, b, c, d], 3);
    for (const m of [a, b, c, d]) assert.deepEqual(m.seqs, [1, 2, 3]);
    fanout.close();
    for (const m of [a, b, c, d]) m.client.close();
  });

  test('a member that rejoins with a replay ahead of the pass going out gets nothing twice', async () => {
    // A room of its own, so the slices below go to these three members in this order.
    const room = 'session:s2';
    const [a, b, c] = [await member({ join: false }), await member({ join: false }), await member({ join: false })];
    for (const m of [a, b, c]) m.server.join(room);
    const fanout = createRoomFanout(io, room, 0, { sliceMs: 0, checkEvery: 1 });
    fanout.push([event(1)]);
    fanout.push([event(2)]);
    await new Promise((r) => setImmediate(r));
    // a has 1, b has 1 and 2 (the next slice), and the pass going out began with 1: a replay ends there.
    assert.equal(fanout.fanned(), 1);
    // b sends session:join with sinceSeq 2: its replay is empty, and 2 must not come again.
    fanout.joined(b.server.id, 2);
    await untilIdle(fanout);
    await received([a, b, c], 2);
    await new Promise((r) => setTimeout(r, 50));
    for (const m of [a, b, c]) assert.deepEqual(m.seqs, [1, 2]);
    fanout.close();
    for (const m of [a, b, c]) m.client.close();
  });

  test('a socket that leaves mid-fan-out hears nothing more of the room', async () => {
    const [a, b, c] = [await member(), await member(), await member()];
    const fanout = createRoomFanout(io, ROOM, 0, { sliceMs: 0, checkEvery: 1 });
    fanout.push([event(1)]);
    c.server.leave(ROOM);
    fanout.push([event(2)]);
    await untilIdle(fanout);
    await received([a, b], 2);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(a.seqs, [1, 2]);
    assert.deepEqual(b.seqs, [1, 2]);
    assert.deepEqual(c.seqs, []);
    fanout.close();
    for (const m of [a, b, c]) m.client.close();
  });

  test('events ready during a pass leave together: one events frame for batching sockets, in order for the rest', async () => {
    const [passed, plain, polling, ahead] = [
      await member({ batch: true }),
      await member(),
      await member({ transport: 'polling' }),
      await member({ batch: true }),
    ];
    const fanout = createRoomFanout(io, ROOM, 0, { sliceMs: 0, checkEvery: 1 });
    fanout.push([event(1)]);
    fanout.push([event(2)]);
    fanout.push([event(3), event(4)]);
    await untilIdle(fanout);
    await received([passed, plain, polling, ahead], 4);
    for (const m of [passed, plain, polling, ahead]) assert.deepEqual(m.seqs, [1, 2, 3, 4]);
    assert.deepEqual(plain.frames, ['chat:deleted', 'chat:deleted', 'chat:deleted', 'chat:deleted']);
    // The first event went out at once to the first member; the three that came meanwhile reach it in one frame on
    // the next pass, and reach a member the sweep had not come to yet in the same frame as the first.
    assert.deepEqual(passed.frames, [BATCH_EVENT, BATCH_EVENT]);
    assert.deepEqual(ahead.frames, [BATCH_EVENT]);
    fanout.close();
    for (const m of [passed, plain, polling, ahead]) m.client.close();
  });

  test('a notice rides in the same write as the events a member is owed, and each member hears it once', async () => {
    const [first, second, polling] = [await member(), await member({ batch: true }), await member({ transport: 'polling' })];
    const outsider = await member({ join: false });
    const fanout = createRoomFanout(io, ROOM, 0, { sliceMs: 0, checkEvery: 1 });
    const writesBefore = wireStats.direct;
    fanout.push([event(1)]);
    fanout.notify(burst(3));
    await untilIdle(fanout);
    await received([first, second, polling], 1);
    while ([first, second, polling].some((m) => m.bursts.length < 1)) await new Promise((r) => setTimeout(r, 5));
    // The first member had event 1 before the notice came: the next pass writes the notice alone. The second gets
    // both in one write; the long-polling member gets them by normal emits.
    assert.equal(wireStats.direct - writesBefore, 3);
    assert.deepEqual(first.frames, ['chat:deleted', 'reaction:burst']);
    assert.deepEqual(second.frames, [BATCH_EVENT, 'reaction:burst']);
    assert.deepEqual(polling.frames, ['chat:deleted', 'reaction:burst']);
    for (const m of [first, second, polling]) assert.deepEqual(m.bursts, [burst(3).payload]);
    assert.deepEqual(outsider.frames, []);
    fanout.close();
    for (const m of [first, second, polling, outsider]) m.client.close();
  });

  test('a member that joins while a notice goes out does not hear it; the members there hear every notice once', async () => {
    const [a, b] = [await member(), await member()];
    const fanout = createRoomFanout(io, ROOM, 0, { sliceMs: 0, checkEvery: 1 });
    fanout.notify(burst(1)); // an idle room: the pass starts now and reaches a
    fanout.notify(burst(2)); // mid-pass: b gets both together, a gets it on the next pass
    const late = await member({ join: false });
    fanout.joined(late.server.id);
    late.server.join(ROOM);
    await untilIdle(fanout);
    while ([a, b].some((m) => m.bursts.length < 2)) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    for (const m of [a, b]) assert.deepEqual(m.bursts, [burst(1).payload, burst(2).payload]);
    assert.deepEqual(late.bursts, []);
    fanout.notify(burst(5));
    await untilIdle(fanout);
    while (a.bursts.length < 3 || b.bursts.length < 3 || late.bursts.length < 1) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(late.bursts, [burst(5).payload]);
    for (const m of [a, b]) assert.deepEqual(m.bursts.at(-1), burst(5).payload);
    fanout.close();
    for (const m of [a, b, late]) m.client.close();
  });

  test('a member that joins again while a notice goes out (a resync on the same socket) still hears it', { timeout: 5000 }, async () => {
    const [a, b] = [await member(), await member()];
    const fanout = createRoomFanout(io, ROOM, 0, { sliceMs: 0, checkEvery: 1 });
    fanout.notify(burst(7)); // the pass reaches a at once, b on the next slice
    fanout.joined(b.server.id, 0);
    await untilIdle(fanout);
    while (a.bursts.length < 1 || b.bursts.length < 1) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    for (const m of [a, b]) assert.deepEqual(m.bursts, [burst(7).payload]);
    fanout.close();
    for (const m of [a, b]) m.client.close();
  });

  test('a closed fan-out sends nothing more', async () => {
    const [a, b] = [await member(), await member()];
    const fanout = createRoomFanout(io, ROOM, 0, { sliceMs: 0, checkEvery: 1 });
    fanout.push([event(1)]);
    fanout.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(a.seqs.length + b.seqs.length, 1, 'only the first slice (one recipient) went out');
    for (const m of [a, b]) m.client.close();
  });
});
