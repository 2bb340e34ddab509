/**
 * The floor (c): a raw `ws` server. A text message from any client is framed once and that same frame is written to
 * every other connection's TCP socket, which is the least work a server can do to deliver one message to N clients.
 * Clients speak just enough Engine.IO/Socket.IO for the load client (open, CONNECT ack, event acks).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import * as wsModule from 'ws';
import { WebSocketServer } from 'ws';

/** ws's frame encoder (exported at runtime, missing from @types/ws). */
const { Sender } = wsModule as unknown as { Sender: { frame(data: Buffer, o: Record<string, unknown>): Buffer[] } };

const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
const raw = new Set<Socket>();
let seq = 0;

wss.on('connection', (ws) => {
  const socket = (ws as unknown as { _socket: Socket })._socket;
  ws.send('0{"sid":"raw","upgrades":[],"pingInterval":600000,"pingTimeout":600000,"maxPayload":1000000}');
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    if (text.startsWith('40')) return void ws.send('40{"sid":"raw"}');
    const ackAt = text.indexOf('[');
    const id = text.slice(2, ackAt);
    const [event, payload] = JSON.parse(text.slice(ackAt)) as [string, { body?: string }];
    if (event === 'session:join') {
      raw.add(socket);
      ws.on('close', () => raw.delete(socket));
    } else if (event === 'chat:send') {
      seq += 1;
      const packet = Buffer.from(`42${JSON.stringify(['chat:message', { seq, message: { body: payload.body } }])}`);
      const frame = Buffer.concat(Sender.frame(packet, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }));
      for (const s of raw) s.write(frame);
    }
    ws.send(`43${id}${JSON.stringify([{ ok: true, data: { seq } }])}`);
  });
});
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`ready ${(http.address() as AddressInfo).port}`));
