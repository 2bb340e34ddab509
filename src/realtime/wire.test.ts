/**
 * The direct write reaches into Socket.IO, Engine.IO and ws internals (wire.ts). These tests pin the versions it was
 * read against and check, on a real connection, that the fast path is taken when it may be and refused when it may
 * not, so an upgrade that changes those internals fails here instead of silently slowing every class down.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { encodeEvent, VERIFIED_WITH, wireStats, writeFrames, wsTextFrame } from './wire.ts';

const root = join(import.meta.dirname, '../..');
const installed = (name: string) =>
  (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** A bare Socket.IO server and a way to get the server side of each client that connects. */
async function startServer() {
  const http = createServer();
  const io = new Server(http);
  const connected: ServerSocket[] = [];
  io.on('connection', (s) => connected.push(s));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as { port: number };
  const connect = async (transports: ('websocket' | 'polling')[]): Promise<{ client: Socket; server: ServerSocket }> => {
    const client = connectClient(`http://127.0.0.1:${port}`, { transports, upgrade: false, reconnection: false, forceNew: true });
    await new Promise<void>((r) => client.once('connect', () => r()));
    while (!connected.some((s) => s.id === client.id)) await new Promise((r) => setImmediate(r));
    return { client, server: connected.find((s) => s.id === client.id)! };
  };
  return { io, connect, close: () => new Promise<void>((r) => io.close(() => r())) };
}

const nextEvents = (client: Socket, count: number) =>
  new Promise<{ event: string; payload: unknown }[]>((resolve) => {
    const got: { event: string; payload: unknown }[] = [];
    const listener = (event: string, payload: unknown) => {
      got.push({ event, payload });
      if (got.length === count) {
        client.offAny(listener);
        resolve(got);
      }
    };
    client.onAny(listener);
  });

describe('the direct WebSocket write', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => (server = await startServer()));
  after(() => server.close());

  test('the installed Socket.IO, Engine.IO and ws are the versions wire.ts was read against', () => {
    for (const [name, version] of Object.entries(VERIFIED_WITH)) {
      assert.equal(
        installed(name),
        version,
        `${name} changed: re-read its internals against src/realtime/wire.ts, then update VERIFIED_WITH`,
      );
    }
  });

  test('a frame written directly arrives as an ordinary event, and several frames in one write arrive in order', async () => {
    const { client, server: s } = await server.connect(['websocket']);
    const big = 'x'.repeat(70_000); // a 64-bit length header
    const frames = Buffer.concat([
      wsTextFrame(encodeEvent('a', { n: 1 })),
      wsTextFrame(encodeEvent('b', { body: 'y'.repeat(300) })),
      wsTextFrame(encodeEvent('c', big)),
    ]);
    const arriving = nextEvents(client, 3);
    const direct = wireStats.direct;
    assert.equal(writeFrames(s, frames), true, 'the fast path was refused on an idle WebSocket: the internals changed');
    assert.equal(wireStats.direct, direct + 1);
    assert.deepEqual(await arriving, [
      { event: 'a', payload: { n: 1 } },
      { event: 'b', payload: { body: 'y'.repeat(300) } },
      { event: 'c', payload: big },
    ]);
    client.close();
  });

  test('right after a normal emit the write is refused, so it cannot overtake what is still being sent', async () => {
    const { client, server: s } = await server.connect(['websocket']);
    const arriving = nextEvents(client, 2);
    s.emit('first', 1);
    assert.equal(writeFrames(s, wsTextFrame(encodeEvent('second', 2))), false);
    s.emit('second', 2);
    assert.deepEqual(await arriving, [
      { event: 'first', payload: 1 },
      { event: 'second', payload: 2 },
    ]);
    client.close();
  });

  test('a client on HTTP long-polling is refused the fast path (it has no WebSocket)', async () => {
    const { client, server: s } = await server.connect(['polling']);
    assert.equal(writeFrames(s, wsTextFrame(encodeEvent('x', 1))), false);
    client.close();
  });

  test('a disconnected socket is refused', async () => {
    const { client, server: s } = await server.connect(['websocket']);
    client.close();
    while (s.connected) await new Promise((r) => setTimeout(r, 5));
    assert.equal(writeFrames(s, wsTextFrame(encodeEvent('x', 1))), false);
  });
});
