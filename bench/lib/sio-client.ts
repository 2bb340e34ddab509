/**
 * A lightweight Socket.IO v4 client over `ws`, for simulating thousands of students from one process on one core:
 * socket.io-client costs far more per connection. It speaks the Engine.IO v4 WebSocket transport directly: the open
 * packet, a CONNECT with the auth payload, EVENT and ACK packets, and pong replies to the server's pings. Room
 * events that arrive batched (`events`, when the auth payload opts in with `batch: true`) reach the same handlers.
 */
import WebSocket from 'ws';

type Handler = (payload: any) => void;

export interface SioClient {
  /** Emits an event and resolves with the ack's reply. */
  request(event: string, payload: unknown): Promise<any>;
  on(event: string, handler: Handler): void;
  close(): void;
}

/** Opens one connection; resolves once the server accepted the Socket.IO CONNECT (with `auth`). */
export function connectSio(base: string, auth: Record<string, unknown>): Promise<SioClient> {
  const url = `${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  const handlers = new Map<string, Handler>();
  const acks = new Map<number, (reply: any) => void>();
  let nextAck = 0;

  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data: Buffer) => {
      const text = data.toString();
      const type = text[0];
      if (type === '2') return void ws.send('3'); // ping → pong
      if (type === '0') return void ws.send(`40${JSON.stringify(auth)}`); // open → connect to "/"
      if (type !== '4') return;
      const packet = text[1];
      if (packet === '0') return resolve(client);
      if (packet === '4') {
        const refusal = JSON.parse(text.slice(2)) as { message: string; data?: unknown };
        return reject(Object.assign(new Error(refusal.message), { data: refusal.data }));
      }
      if (packet === '2') {
        const [event, payload] = JSON.parse(text.slice(2)) as [string, unknown];
        // Opted-in batches (docs/realtime.md): the room events of one fan-out, in seq order, in one frame.
        if (event === 'events' && !handlers.has('events')) {
          for (const e of payload as { event: string; payload: unknown }[]) handlers.get(e.event)?.(e.payload);
        } else {
          handlers.get(event)?.(payload);
        }
      } else if (packet === '3') {
        const start = text.indexOf('[');
        const id = Number(text.slice(2, start));
        const [reply] = JSON.parse(text.slice(start)) as [unknown];
        acks.get(id)?.(reply);
        acks.delete(id);
      }
    });

    const client: SioClient = {
      request(event, payload) {
        const id = nextAck++;
        return new Promise((done) => {
          acks.set(id, done);
          ws.send(`42${id}${JSON.stringify([event, payload])}`);
        });
      },
      on(event, handler) {
        handlers.set(event, handler);
      },
      close() {
        ws.close();
      },
    };
  });
}

/**
 * Connects like a real client does: a connection reset or refused while the server is swamped is retried after a
 * short, growing pause (up to `attempts`); a refusal by the server (a bad token) is not. Counts the retries.
 */
export async function connectWithRetry(
  base: string,
  auth: Record<string, unknown>,
  retries: { count: number },
  attempts = 6,
): Promise<SioClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectSio(base, auth);
    } catch (err) {
      const refused = (err as { data?: unknown }).data !== undefined;
      if (refused || attempt >= attempts) throw err;
      retries.count += 1;
      await new Promise((r) => setTimeout(r, 100 * attempt + Math.random() * 100));
    }
  }
}
