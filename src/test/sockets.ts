/**
 * Socket.IO test helpers: a listening app, clients that authenticate like real ones, and acks as promises.
 */
import { io as connectClient, type Socket } from 'socket.io-client';
import type { TestApp } from './harness.ts';

/** Starts the app on a free loopback port (once) and returns its base URL. */
export async function listen(t: TestApp): Promise<string> {
  const address = t.app.server.address();
  if (address && typeof address === 'object') return `http://127.0.0.1:${address.port}`;
  return t.app.listen({ port: 0, host: '127.0.0.1' });
}

/** A connected client with the token in the handshake; rejects with the server's error data when refused. */
export async function connect(base: string, token: string, opts: { extraHeaders?: Record<string, string> } = {}): Promise<Socket> {
  const socket = connectClient(base, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: opts.extraHeaders,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err: Error & { data?: unknown }) => reject(Object.assign(err, { data: err.data })));
  });
  return socket;
}

export type Ack<T = any> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; details?: { field: string }[] } };

/** Emits a client event and resolves with its ack. */
export function request<T = any>(socket: Socket, event: string, payload: unknown, timeoutMs = 5000): Promise<Ack<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/** Records every server event a socket receives, in arrival order. */
export function recorder(socket: Socket) {
  const received: { event: string; payload: any }[] = [];
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
  return {
    received,
    /** Resolves once an event matching the predicate has arrived (or already had). */
    waitFor(predicate: (e: { event: string; payload: any }) => boolean, timeoutMs = 5000) {
      return new Promise<{ event: string; payload: any }>((resolve, reject) => {
        const found = received.find(predicate);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`timed out; received: ${received.map((r) => r.event).join(', ')}`)), timeoutMs);
        const listener = (event: string, payload: unknown) => {
          if (!predicate({ event, payload })) return;
          clearTimeout(timer);
          socket.offAny(listener);
          resolve({ event, payload });
        };
        socket.onAny(listener);
      });
    },
  };
}

/** The sockets a suite opens, closed together at the end; `member` also joins a session room and records it. */
export function socketPool(base: () => string) {
  const sockets: Socket[] = [];
  const open = async (token: string) => {
    const s = await connect(base(), token);
    sockets.push(s);
    return s;
  };
  return {
    open,
    async member(token: string, sessionId: string) {
      const s = await open(token);
      const heard = recorder(s);
      const joined = await request(s, 'session:join', { sessionId });
      if (!joined.ok) throw new Error(`session:join refused: ${JSON.stringify(joined)}`);
      return { s, heard, joined: joined.data };
    },
    closeAll() {
      for (const s of sockets) s.disconnect();
    },
  };
}
