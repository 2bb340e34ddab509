import { io, type Socket } from 'socket.io-client';
import { type ClientToServerEvents, type JoinResult, ROOM_EVENTS, type ServerToClientEvents } from '../../../src/realtime/protocol.ts';
import { api, ApiError } from './api.ts';
import { getToken } from './auth.ts';
import { type ClassSnapshot, loadClassSnapshot } from './class-snapshot.ts';
import type { ClassEvent } from './class-state.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';
export type ClassSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ClassroomHandlers {
  /**
   * A (re)join: the session as it is, presence, and the events missed since `lastSeq()`, in order; or, for a class
   * whose log was dropped (EVENTS_EXPIRED), a `snapshot` read over REST to start from instead.
   */
  onJoined(result: JoinResult, missed: ClassEvent[], snapshot?: ClassSnapshot): void;
  onEvent(event: ClassEvent): void;
  onStatus(status: ConnectionStatus, reason?: string): void;
  /** The last seq applied, asked at every (re)join. */
  lastSeq(): number;
}

/**
 * One session's live connection. Socket.IO reconnects by itself; every (re)connect rejoins with the last seq applied,
 * so the server replays exactly what was missed (the join ack precedes every live event). Long gaps come in pages.
 */
export function openClassroom(sessionId: string, handlers: ClassroomHandlers) {
  // batch: room events come as `events` frames, one per server fan-out (docs/realtime.md), which a busy class needs.
  const socket: ClassSocket = io({ auth: (cb) => cb({ token: getToken(), batch: true }), transports: ['websocket', 'polling'] });
  let joined = false;
  let closed = false;
  /** Which connection a join belongs to: a join still paging when the socket reconnected must not apply. */
  let generation = 0;
  const buffered: ClassEvent[] = [];
  let applied = () => handlers.lastSeq();
  /** The log this client would replay from was dropped: join without a replay and read the class over REST. */
  let expired = false;

  /** Starts over on a fresh connection, which rejoins with the last seq applied. */
  const resync = (delayMs: number) => {
    const gen = generation;
    setTimeout(() => {
      if (closed || gen !== generation) return;
      socket.disconnect().connect();
    }, delayMs);
  };
  const finish = (reason: string) => {
    closed = true;
    socket.disconnect();
    handlers.onStatus('closed', reason);
  };

  const take = (event: ClassEvent) => {
    if (!joined) return void buffered.push(event);
    // The server sends every seq once, in order; a hole means something was missed: rejoin to fill it.
    if (event.payload.seq > applied() + 1) {
      joined = false;
      handlers.onStatus('reconnecting');
      return resync(0);
    }
    handlers.onEvent(event);
  };
  // A server that batches sends `events`; one that does not (older, or a fallback) sends each event by its name.
  socket.on('events', (batch) => {
    for (const e of batch) take(e);
  });
  // Casts: a listener registered in a loop over the names cannot be typed per name; the payload is the one `name` carries.
  for (const name of ROOM_EVENTS)
    socket.on(name, ((payload: ClassEvent['payload']) => take({ event: name, payload } as ClassEvent)) as never);

  const join = (gen: number) => {
    socket.emit('session:join', expired ? { sessionId } : { sessionId, sinceSeq: handlers.lastSeq() }, (reply) => {
      void (async () => {
        if (gen !== generation) return;
        if (!reply.ok) {
          // An old class: shown read-only from REST rather than refused (once: a join without a replay cannot expire).
          if (reply.error.code === 'EVENTS_EXPIRED' && !expired) {
            expired = true;
            return join(gen);
          }
          // No access or no such session will not change by retrying; anything else might.
          if (
            ['SESSION_NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'TOKEN_EXPIRED', 'EVENTS_EXPIRED'].includes(
              reply.error.code,
            )
          ) {
            return finish(reply.error.message);
          }
          handlers.onStatus('reconnecting', reply.error.message);
          return resync(2000);
        }
        const missed: ClassEvent[] = reply.data.events;
        let more = reply.data.hasMore;
        while (more) {
          const since = missed.at(-1)?.payload.seq ?? handlers.lastSeq();
          const page = await api<{ events: ClassEvent[]; hasMore: boolean }>(
            'GET',
            `/api/live-sessions/${sessionId}/events?since=${since}&limit=1000`,
          );
          if (gen !== generation) return;
          missed.push(...page.events);
          more = page.hasMore;
        }
        const snapshot = expired ? await loadClassSnapshot(sessionId) : undefined;
        if (gen !== generation) return;
        handlers.onJoined(reply.data, missed, snapshot);
        expired = false;
        joined = true;
        applied = () => handlers.lastSeq();
        for (const e of buffered.splice(0)) if (e.payload.seq > handlers.lastSeq()) handlers.onEvent(e);
        handlers.onStatus('live');
      })().catch((err: unknown) => {
        if (gen !== generation) return;
        handlers.onStatus('reconnecting', err instanceof Error ? err.message : String(err));
        resync(2000);
      });
    });
  };
  socket.on('connect', () => {
    const gen = ++generation;
    handlers.onStatus('connecting');
    joined = false;
    buffered.length = 0;
    join(gen);
  });
  socket.on('disconnect', (reason) => {
    joined = false;
    // Socket.IO does not reconnect after a deliberate disconnect (ours, or the server's: expired token, removal).
    if (closed || reason === 'io client disconnect') return;
    if (reason === 'io server disconnect') handlers.onStatus('closed', 'The service closed the connection. Open the class again.');
    else handlers.onStatus('reconnecting');
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    if (closed) return;
    const code = err.data?.code;
    if (code === 'TOKEN_EXPIRED' || code === 'UNAUTHENTICATED') return finish('Your sign-in expired. Open the class again from the LMS.');
    handlers.onStatus('reconnecting', err.message);
    // A refused handshake (the service busy, say) ends Socket.IO's own retries: keep trying.
    if (!socket.active) resync(3000);
  });
  socket.on('auth:expired', () => finish('Your sign-in expired. Open the class again from the LMS.'));
  // Only this connection's session: a student moved out of a breakout room hears it for that room, not for the class.
  socket.on('session:removed', (p) => {
    if (p.sessionId === sessionId) finish(p.reason);
  });

  return {
    socket,
    /** Emits an action and resolves with its ack's data, or throws ApiError with the server's code. */
    request<K extends keyof ClientToServerEvents>(event: K, payload: Parameters<ClientToServerEvents[K]>[0]) {
      type Reply = Parameters<Parameters<ClientToServerEvents[K]>[1]>[0];
      return new Promise<Extract<Reply, { ok: true }>['data']>((resolve, reject) => {
        const emit = socket.timeout(10_000).emit as unknown as (e: K, p: unknown, ack: (err: Error | null, reply: Reply) => void) => void;
        emit.call(socket, event, payload, (err, reply) => {
          if (err) return reject(new ApiError(0, 'TIMEOUT', 'No answer from the service; check your connection.'));
          if (reply.ok) resolve(reply.data as never);
          else reject(new ApiError(0, reply.error.code, reply.error.message, reply.error.details ?? []));
        });
      });
    },
    close() {
      closed = true;
      socket.disconnect();
    },
  };
}

export type Classroom = ReturnType<typeof openClassroom>;
