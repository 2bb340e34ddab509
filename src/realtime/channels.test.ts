/**
 * The broadcast port's exactly-once promise while fan-outs run in slices: a socket that subscribes in the middle of a
 * fan-out gets the events going out by replay, never live as well, and every later event live. Sliced to one
 * recipient per slice, so the subscribe lands between slices.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import type { Db } from '../db/kysely.ts';
import type { StoredEvent } from '../events/events.repo.ts';
import { eventually } from '../test/eventually.ts';
import { freshDatabase } from '../test/harness.ts';
import { createChannels } from './channels.ts';
import type { RealtimeServer, RealtimeSocket } from './server.ts';

const silent = { error() {}, warn() {}, info() {}, debug() {} };

const chat = (seq: number): StoredEvent => ({ seq, event: 'chat:deleted', payload: { seq, messageId: `m${seq}` } });

describe('channels with sliced fan-outs', () => {
  let io: RealtimeServer;
  let port: number;
  let db: Db;
  let drop: () => Promise<void>;
  const connected = new Map<string, RealtimeSocket>();
  before(async () => {
    ({ db, drop } = await freshDatabase('pglite'));
    const http = createServer();
    io = new Server(http);
    io.on('connection', (s) => connected.set(s.id, s));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    port = (http.address() as { port: number }).port;
  });
  after(async () => {
    await new Promise<void>((r) => io.close(() => r()));
    await drop();
  });

  async function client() {
    const c = connectClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false, forceNew: true });
    const seqs: number[] = [];
    c.on('chat:deleted', (p: { seq: number }) => seqs.push(p.seq));
    await new Promise<void>((r) => c.once('connect', () => r()));
    while (!connected.has(c.id!)) await new Promise((r) => setImmediate(r));
    return { c, socket: connected.get(c.id!)!, seqs };
  }

  test('a subscribe between two slices replays what fan-outs began with and hears the rest live, each event once', async () => {
    const channels = createChannels(io, db, silent, { sliceMs: 0, checkEvery: 1 });
    const sessionId = randomUUID();
    const [a, b, c] = [await client(), await client(), await client()];
    for (const m of [a, b, c]) await channels.subscribe(m.socket, sessionId, undefined, 500, () => {});
    const late = await client();
    channels.publish(sessionId, [chat(1), chat(2)]);
    // Its fan-out has reached one socket; 3 waits for the next fan-out. Only microtasks pass until both joins are
    // done, and the next slice waits for setImmediate: a newcomer, and b (still owed 1 and 2) rejoining.
    channels.publish(sessionId, [chat(3)]);
    const replays = new Map<string, number[]>();
    for (const m of [late, b])
      await channels.subscribe(m.socket, sessionId, 0, 500, (r) =>
        replays.set(
          m.socket.id,
          r.events.map((e) => e.seq),
        ),
      );
    channels.publish(sessionId, [chat(4)]);
    while ([a, b, c, late].some((m) => m.seqs.length + (replays.get(m.socket.id)?.length ?? 0) < 4))
      await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(replays.get(late.socket.id), [1, 2]);
    assert.deepEqual(replays.get(b.socket.id), [1, 2]);
    for (const m of [a, b, c, late]) assert.deepEqual([...(replays.get(m.socket.id) ?? []), ...m.seqs], [1, 2, 3, 4]);
    channels.closeAll();
    for (const m of [a, b, c, late]) m.c.close();
  });

  test('a gap the log cannot be read for is logged and read again, and the later event waits for it', async () => {
    const sessionId = randomUUID();
    await sql`INSERT INTO users (id, name) VALUES ('gap-mentor', 'M') ON CONFLICT DO NOTHING`.execute(db);
    await sql`INSERT INTO live_sessions (id, course_id, title, mentor_id, scheduled_start, duration_minutes, meeting_provider, meeting_status)
      VALUES (${sessionId}, 'c', 'Gap', 'gap-mentor', now(), 60, 'manual', 'ready')`.execute(db);
    // Reads fail while `down`, as when the database is away.
    let down = false;
    const reads = new Proxy(db, {
      get(target, prop) {
        if (prop === 'selectFrom' && down)
          return () => {
            throw new Error('database away');
          };
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const warnings: { fields: Record<string, unknown>; msg: string }[] = [];
    const log = { ...silent, warn: (fields: Record<string, unknown>, msg: string) => void warnings.push({ fields, msg }) };
    const channels = createChannels(io, reads, log as never);
    const m = await client();
    await channels.subscribe(m.socket, sessionId, undefined, 500, () => {});
    down = true;
    channels.publish(sessionId, [chat(2)]); // seq 1 committed elsewhere, not yet heard of here
    await eventually(() => warnings.length >= 2, 'the failed reads to be logged');
    assert.equal(warnings[0]?.msg, 'could not read missing events from the log; retrying');
    assert.equal(warnings[0]?.fields.sessionId, sessionId);
    assert.deepEqual(m.seqs, [], 'seq 2 waits for seq 1');
    await sql`INSERT INTO session_events (session_id, seq, event, payload) VALUES (${sessionId}, 1, 'chat:deleted', '{"seq":1,"messageId":"m1"}')`.execute(
      db,
    );
    down = false;
    await eventually(() => m.seqs.length === 2, 'both events, once the log answers', 15_000);
    assert.deepEqual(m.seqs, [1, 2]);
    channels.closeAll();
    m.c.close();
  });
});
