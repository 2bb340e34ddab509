/**
 * The Socket.IO protocol as TypeScript types (and `ROOM_EVENTS`, its one runtime value), for clients (the web app,
 * LMS integrations) and for the server itself (its typed Socket.IO `Server` and event drafts):
 *
 *   import type { ClientToServerEvents, ServerToClientEvents } from 'skill-probe-live/src/realtime/protocol.ts';
 *   const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token } });
 *
 * Input types come from the same zod schemas the server parses with. docs/realtime.md describes the semantics.
 */
import type { z } from 'zod';
import type { AttendanceClientEvents } from '../attendance/attendance.schemas.ts';
import type { Person } from '../attendance/presence-rooms.ts';
import type { BreakoutClientEvents, BreakoutServerEvents } from '../breakouts/breakouts.schemas.ts';
import type { ChatClientEvents, ChatServerEvents } from '../chat/chat.schemas.ts';
import type { HandClientEvents, HandServerEvents } from '../hands/hands.schemas.ts';
import type { PollClientEvents, PollManagerNotices, PollServerEvents } from '../polls/polls.schemas.ts';
import type { QaClientEvents, QaServerEvents } from '../qa/qa.schemas.ts';
import type { ReactionClientEvents, ReactionServerEvents } from '../reactions/reactions.schemas.ts';
import type { sessionJoinInput, sessionLeaveInput, sessionStatusInput } from '../sessions/sessions.realtime.schemas.ts';
import type { CourseClientEvents, CourseServerEvents } from '../sessions/course-room.schemas.ts';
import type { AnnouncementResult, announcementSetInput } from '../sessions/announcement.schemas.ts';
import type { SessionDto } from '../sessions/sessions.schemas.ts';
import type { AckReply } from './socket-handler.ts';

export type { AckReply, Person };

/** An event as it appears in a join replay or GET …/events: the same name and payload as when it was live. */
export type ReplayedEvent = RoomEvent;

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
  'announcement:set': Acked<z.input<typeof announcementSetInput>, AnnouncementResult>;
}

/** Events of a session room: each payload carries the session's seq. */
export interface SessionServerEvents extends ChatServerEvents, QaServerEvents, PollServerEvents, HandServerEvents, BreakoutServerEvents {
  'session:updated': (payload: { seq: number; session: SessionDto }) => void;
  'presence:update': (payload: {
    seq: number;
    count: number;
    joined: Person[];
    left: Person[];
    joinedTotal: number;
    leftTotal: number;
  }) => void;
}

/** The name of a session room event. */
export type RoomEventName = keyof SessionServerEvents;

/** The payload of one room event, `seq` included. */
export type RoomPayload<K extends RoomEventName> = Parameters<SessionServerEvents[K]>[0];

/** A session room event as it travels inside an `events` batch. */
export type RoomEvent = { [K in RoomEventName]: { event: K; payload: RoomPayload<K> } }[RoomEventName];

/**
 * Every room event name, as a value, for clients that subscribe to each by name (and for the API docs). Declared
 * as a record so that the compiler rejects a name missing from it, or one that is not a room event.
 */
const roomEvents: Record<RoomEventName, true> = {
  'chat:message': true,
  'chat:deleted': true,
  'qa:question': true,
  'qa:updated': true,
  'qa:removed': true,
  'qa:queue': true,
  'qa:answering': true,
  'poll:opened': true,
  'poll:results': true,
  'poll:closed': true,
  'poll:leaderboard': true,
  'presence:update': true,
  'session:updated': true,
  'hand:queue': true,
  'breakout:opened': true,
  'breakout:updated': true,
  'breakout:closing': true,
  'breakout:closed': true,
};
export const ROOM_EVENTS = Object.keys(roomEvents) as readonly RoomEventName[];

/**
 * Everything the server sends: the room's events, three notices to one socket, and `reaction:burst` to a room (none of
 * these four has a seq). A socket that connects with `auth: { token, batch: true }` receives the room's events as
 * `events` instead: each frame carries the events of one fan-out, in seq order (one or more); the notices and
 * `reaction:burst` still come by their own names.
 */
export interface ServerToClientEvents extends SessionServerEvents, CourseServerEvents, ReactionServerEvents, PollManagerNotices {
  events: (batch: RoomEvent[]) => void;
  'auth:expired': (payload: { code: 'TOKEN_EXPIRED'; message: string }) => void;
  'session:removed': (payload: { sessionId: string; reason: string }) => void;
  /** The server is shutting down and closes the connection next: reconnect after about `retryAfterMs`. */
  'server:shutdown': (payload: { reconnect: true; retryAfterMs: number }) => void;
}

export interface ClientToServerEvents
  extends SessionClientEvents,
    AttendanceClientEvents,
    ChatClientEvents,
    QaClientEvents,
    PollClientEvents,
    CourseClientEvents,
    HandClientEvents,
    ReactionClientEvents,
    BreakoutClientEvents {}
