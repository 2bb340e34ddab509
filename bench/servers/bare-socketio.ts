/**
 * Baseline (b): a bare Socket.IO server. Everyone joins one room; a `chat:send` is broadcast to the room as
 * `chat:message` and acknowledged; a `poll:vote` is acknowledged and nothing more. No auth, no database: the cost of
 * Socket.IO's own room broadcast, and of receiving and answering one event per client.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });
let seq = 0;
io.on('connection', (socket) => {
  socket.on('session:join', (_payload: unknown, ack: (r: unknown) => void) => {
    void socket.join('room');
    ack({ ok: true, data: {} });
  });
  socket.on('chat:send', (payload: { body: string }, ack: (r: unknown) => void) => {
    seq += 1;
    io.to('room').emit('chat:message', { seq, message: { body: payload.body } });
    ack({ ok: true, data: { seq } });
  });
  socket.on('poll:vote', (payload: { pollId: string; choice: number }, ack: (r: unknown) => void) => {
    ack({ ok: true, data: { pollId: payload.pollId, choice: payload.choice } });
  });
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`ready ${(http.address() as AddressInfo).port}`));
