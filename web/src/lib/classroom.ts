import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, JoinResult, ServerToClientEvents } from '../../../src/realtime/protocol.ts';
import { api, ApiError } from './api.ts';
import { getToken } from './auth.ts';
import type { ClassEvent } from './class-state.ts';

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';
export type ClassSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ROOM_EVENTS = ['chat:message', 'chat:deleted', 'qa:question', 'qa:updated', 'poll:opened', 'poll:results', 'poll:closed', 'presence:update', 'session:updated'] as const;

export interface ClassroomHandlers {
  /** A (re)join: the session as it is, presence, and the events missed since `lastSeq()`, in order. */
  onJoined(result: JoinResult, missed: ClassEvent[]): void;
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
  const socket: ClassSocket = io({ auth: (cb) => cb({ token: getToken() }), transports: ['websocket', 'polling'] });
  let joined = false;
  let closed = false;
  const buffered: ClassEvent[] = [];

  for (const name of ROOM_EVENTS) {
    socket.on(name, ((payload: ClassEvent['payload']) => {
      const event = { event: name, payload } as ClassEvent;
      if (joined) handlers.onEvent(event);
      else buffered.push(event);
    }) as never);
  }

  socket.on('connect', () => {
    handlers.onStatus('connecting');
    joined = false;
    buffered.length = 0;
    socket.emit('session:join', { sessionId, sinceSeq: handlers.lastSeq() }, (reply) => {
      void (async () => {
        if (!reply.ok) {
          closed = true; // refused for good (no access, no such session): no reconnecting
          socket.disconnect();
          handlers.onStatus('closed', reply.error.message);
          return;
        }
        const missed = reply.data.events as ClassEvent[];
        let more = reply.data.hasMore;
        while (more) {
          const since = missed.at(-1)?.payload.seq ?? handlers.lastSeq();
          const page = await api<{ events: ClassEvent[]; hasMore: boolean }>('GET', `/api/live-sessions/${sessionId}/events?since=${since}&limit=1000`);
          missed.push(...page.events);
          more = page.hasMore;
        }
        handlers.onJoined(reply.data, missed);
        joined = true;
        for (const e of buffered.splice(0)) handlers.onEvent(e);
        handlers.onStatus('live');
      })().catch((err: unknown) => handlers.onStatus('reconnecting', err instanceof Error ? err.message : String(err)));
    });
  });
  socket.on('disconnect', (reason) => {
    // Socket.IO does not reconnect after a deliberate disconnect (ours, or the server's: expired token, removal).
    if (closed || reason === 'io client disconnect') return;
    if (reason === 'io server disconnect') handlers.onStatus('closed', 'The service closed the connection. Open the class again.');
    else handlers.onStatus('reconnecting');
  });
  socket.on('connect_error', (err) => handlers.onStatus('reconnecting', err.message));
  socket.on('auth:expired', () => {
    closed = true;
    handlers.onStatus('closed', 'Your sign-in expired. Open the class again from the LMS.');
  });
  socket.on('session:removed', (p) => {
    closed = true;
    handlers.onStatus('closed', p.reason);
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
      handlers.onStatus('closed');
    },
  };
}

export type Classroom = ReturnType<typeof openClassroom>;
