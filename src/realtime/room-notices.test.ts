/**
 * Room notices (reaction bursts): every member of the room hears each notice once, whether its frame was written
 * straight to its WebSocket or, for a client on long-polling, emitted the normal way; sockets outside the room hear
 * nothing.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { createRoomNotices } from './room-notices.ts';
import type { RealtimeServer } from './server.ts';

const ROOM = 'session:s1';
let io: RealtimeServer;
let base: string;
const clients: Socket[] = [];

before(async () => {
  const http = createServer();
  io = new Server(http);
  io.on('connection', (socket) => {
    if (socket.handshake.auth?.member === true) socket.join(ROOM);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
});
after(async () => {
  for (const c of clients) c.disconnect();
  await io.close();
});

async function client(member: boolean, transports: ('websocket' | 'polling')[]) {
  const socket = connectClient(base, { auth: { member }, transports, reconnection: false, forceNew: true });
  clients.push(socket);
  const heard: unknown[] = [];
  socket.on('reaction:burst', (payload: unknown) => heard.push(payload));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return heard;
}

test('each member hears a notice once, over WebSocket or long-polling; others hear nothing', async () => {
  const members = await Promise.all(Array.from({ length: 40 }, () => client(true, ['websocket'])));
  const polling = await client(true, ['polling']);
  const outsider = await client(false, ['websocket']);
  // Joins happen in the connection handler: wait until the room holds every member.
  while ((io.sockets.adapter.rooms.get(ROOM)?.size ?? 0) < 41) await new Promise((r) => setTimeout(r, 10));
  const notices = createRoomNotices(io);
  const burst = { sessionId: 's1', counts: { heart: 3, clap: 1 } };
  notices.send(ROOM, 'reaction:burst', burst);
  notices.send(ROOM, 'reaction:burst', { sessionId: 's1', counts: { party: 1 } });
  const everyone = [...members, polling];
  for (let i = 0; i < 200 && everyone.some((h) => h.length < 2); i++) await new Promise((r) => setTimeout(r, 20));
  for (const heard of everyone) assert.deepEqual(heard, [burst, { sessionId: 's1', counts: { party: 1 } }]);
  assert.deepEqual(outsider, []);
});
