/**
 * The Socket.IO protocol as TypeScript types, for clients (the web app, LMS integrations):
 *
 *   import type { ClientToServerEvents, ServerToClientEvents } from 'skill-probe-live/src/realtime/protocol.ts';
 *   const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } });
 *
 * Input types come from the same zod schemas the server parses with. docs/realtime.md describes the semantics.
 */
import type { z } from 'zod';
import type { ChatClientEvents, ChatServerEvents } from '../chat/chat.schemas.ts';
import type { PollDto, PollResults, pollCloseInput, pollCreateInput, pollVoteInput, voteResult } from '../polls/polls.schemas.ts';
import type { QaClientEvents, QaServerEvents } from '../qa/qa.schemas.ts';
import type { sessionJoinInput, sessionLeaveInput, sessionStatusInput } from '../sessions/sessions.realtime.schemas.ts';
import type { SessionDto } from '../sessions/sessions.schemas.ts';
import type { AckReply } from './socket-handler.ts';

export type { AckReply };

export interface Person {
  id: string;
  name: string;
  role: string;
}

/** An event as it appears in a join replay or GET …/events. */
export interface ReplayedEvent {
  event: keyof SessionServerEvents;
  payload: { seq: number } & Record<string, unknown>;
}

export interface JoinResult {
  session: SessionDto;
  /** `users` for the course mentors and admins; the count for everyone. */
  presence: { count: number; users?: Person[] };
  /** Events after `sinceSeq`, in order (at most 500). */
  events: ReplayedEvent[];
  /** More events follow: fetch them with GET /api/live-sessions/:id/events?since=. */
  hasMore: boolean;
}

type Acked<I, R> = (payload: I, ack: (reply: AckReply<R>) => void) => void;

export interface SessionClientEvents {
  'session:join': Acked<z.input<typeof sessionJoinInput>, JoinResult>;
  'session:leave': Acked<z.input<typeof sessionLeaveInput>, { sessionId: string }>;
  'session:status': Acked<z.input<typeof sessionStatusInput>, SessionDto>;
}

export interface PollClientEvents {
  'poll:create': Acked<z.input<typeof pollCreateInput>, PollDto>;
  'poll:vote': Acked<z.input<typeof pollVoteInput>, z.infer<typeof voteResult>>;
  'poll:close': Acked<z.input<typeof pollCloseInput>, PollDto>;
}

/** Events of a session room: each payload carries the session's seq. */
export interface SessionServerEvents extends ChatServerEvents, QaServerEvents {
  'session:updated': (payload: { seq: number; session: SessionDto }) => void;
  'presence:update': (payload: { seq: number; count: number; joined: Person[]; left: Person[]; joinedTotal: number; leftTotal: number }) => void;
  'poll:opened': (payload: { seq: number; poll: PollDto }) => void;
  'poll:results': (payload: { seq: number; pollId: string; results: PollResults }) => void;
  'poll:closed': (payload: { seq: number; poll: PollDto }) => void;
}

/** A session room event as it travels inside an `events` batch. */
export type RoomEvent = { [K in keyof SessionServerEvents]: { event: K; payload: Parameters<SessionServerEvents[K]>[0] } }[keyof SessionServerEvents];

/**
 * Everything the server sends: the room's events plus two notices to one socket (no seq). A socket that connects
 * with `auth: { token, batch: true }` receives the room's events as `events` instead: each frame carries the events
 * of one fan-out, in seq order (one or more); the notices still come by their own names.
 */
export interface ServerToClientEvents extends SessionServerEvents {
  events: (batch: RoomEvent[]) => void;
  'auth:expired': (payload: { code: 'TOKEN_EXPIRED'; message: string }) => void;
  'session:removed': (payload: { sessionId: string; reason: string }) => void;
  /** The server is shutting down and closes the connection next: reconnect after about `retryAfterMs`. */
  'server:shutdown': (payload: { reconnect: true; retryAfterMs: number }) => void;
}

export interface ClientToServerEvents extends SessionClientEvents, ChatClientEvents, QaClientEvents, PollClientEvents {}
