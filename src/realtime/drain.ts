import type { Server, Socket } from 'socket.io';
import type { AckReply } from './socket-handler.ts';

/** The notice's hint; each socket gets it plus a random share of the spread, so clients do not all return at once. */
const RETRY_AFTER_MS = 1000;
const RETRY_SPREAD_MS = 2000;

// Retryable, as during a database outage: the same action succeeds on a node that is not stopping.
const refusal = {
  code: 'UNAVAILABLE',
  message: 'The service is restarting: reconnect and send this again',
  retryable: true,
} as const;

/**
 * The real-time side of a graceful shutdown. `settle` stops taking work (new connections and new client events are
 * refused, the latter through their ack) and waits until every event already taken has been acked, i.e. its write
 * committed. `closeSockets` then tells each socket `server:shutdown { reconnect, retryAfterMs }` and closes its
 * transport: after the notice and every ack queued before it are flushed, and without Socket.IO's disconnect
 * packet, which would tell clients not to reconnect.
 */
export function createSocketDrain(io: Server) {
  let closing = false;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;

  const settled = () => {
    inFlight -= 1;
    if (inFlight === 0) onIdle?.();
  };

  io.use((_socket, next) => {
    if (!closing) return next();
    next(Object.assign(new Error(refusal.message), { data: refusal }));
  });

  io.on('connection', (socket: Socket) => {
    // The acks this socket still owes; a socket that goes away owes nothing more (an event it sent may never reach its
    // handler then, and nobody is left to hear an ack).
    let owed: Set<() => void> | undefined;
    socket.once('disconnect', () => {
      for (const release of owed ?? []) release();
      owed = undefined;
    });
    socket.use((packet, next) => {
      const ack = packet.at(-1);
      // Only events with a handler are work to wait for: an unknown one was answered UNKNOWN_EVENT already (onAny).
      if (typeof ack !== 'function' || socket.listenerCount(packet[0] as string) === 0) {
        // Nothing to answer: while closing, the event is dropped (a client that needs to know asks for an ack).
        if (!closing) next();
        return;
      }
      if (closing) return void ack({ ok: false, error: refusal } satisfies AckReply);
      inFlight += 1;
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        owed?.delete(release);
        settled();
      };
      owed ??= new Set();
      owed.add(release);
      packet[packet.length - 1] = (...args: unknown[]) => {
        release();
        ack(...args);
      };
      next();
    });
  });

  return {
    /** Refuses new work and resolves once every taken event is acked, or after `maxWaitMs` (an ack never sent). */
    async settle(maxWaitMs: number): Promise<{ unanswered: number }> {
      closing = true;
      if (inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          onIdle = resolve;
          timer = setTimeout(resolve, maxWaitMs);
        });
        clearTimeout(timer);
      }
      return { unanswered: inFlight };
    },

    /**
     * The reconnect hint, then each transport closes once what was queued for it is written. Resolves when they
     * have closed, or after `maxWaitMs` (a client too slow to read): closing the engine after that discards the rest.
     */
    async closeSockets(maxWaitMs: number): Promise<void> {
      const closed: Promise<unknown>[] = [];
      for (const socket of io.of('/').sockets.values()) {
        socket.emit('server:shutdown', { reconnect: true, retryAfterMs: RETRY_AFTER_MS + Math.floor(Math.random() * RETRY_SPREAD_MS) });
        closed.push(new Promise((resolve) => socket.conn.once('close', resolve)));
        socket.conn.close();
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, maxWaitMs)))]);
      clearTimeout(timer);
    },
  };
}
