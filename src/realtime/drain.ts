import type { Server } from 'socket.io';
import type { EventWork } from './socket-handler.ts';

/** The notice's hint; each socket gets it plus a random share of the spread, so clients do not all return at once. */
const RETRY_AFTER_MS = 1000;
const RETRY_SPREAD_MS = 2000;

// Retryable, as during a database outage: the same action succeeds on a node that is not stopping.
const refusal: EventWork['refusal'] = {
  code: 'UNAVAILABLE',
  message: 'The service is restarting: reconnect and send this again',
  retryable: true,
};

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

  return {
    /**
     * The socket handler's side (socket-handler.ts): whether new client events are refused, and the brackets around
     * each one it takes. Counting there, in the one shared listener per event, costs nothing per socket, and counts
     * only events that reached a handler (an unknown one, or one from a socket gone before its turn, never does).
     */
    work: {
      refusal,
      refusing: () => closing,
      begin: () => {
        inFlight += 1;
      },
      end: settled,
    },

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
