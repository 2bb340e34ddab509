import type { Actor } from '../auth/actor.ts';
import type { Presence } from '../attendance/presence.ts';
import type { ActionLimits } from '../classroom/action-limits.ts';
import type { MeetingsService } from '../meetings/meetings.service.ts';
import { type Channels, managersRoom, ReplayHoleError, sessionRoom } from '../realtime/channels.ts';
import type { RealtimeServer, RealtimeSocket } from '../realtime/server.ts';
import type { RoomEvent } from '../realtime/protocol.ts';
import type { On } from '../realtime/socket-handler.ts';
import { isEnded, type LoadSession, type SessionAccess } from '../classroom/session-access.ts';
import type { ReplayShaper } from '../classroom/feature.ts';
import { type EventsService, requireEventsKept } from '../events/events.service.ts';
import { toSessionDto } from './sessions.presenter.ts';
import { announcementSetInput } from './announcement.schemas.ts';
import { JOIN_REPLAY_LIMIT, sessionJoinInput, sessionLeaveInput, sessionStatusInput } from './sessions.realtime.schemas.ts';
import type { SessionsService } from './sessions.service.ts';

export interface SessionSocketDeps {
  loadSession: LoadSession;
  limits: ActionLimits;
  sessions: SessionsService;
  presence: Presence;
  channels: Channels;
  meetings: Pick<MeetingsService, 'linkFor'>;
  events: Pick<EventsService, 'requireKeptNow'>;
  /** What a viewer may see of a replay (questions since dismissed leave a student's); none: replays as logged. */
  shapeReplay?: ReplayShaper;
  /** After a join was acked (breakouts place a late joiner); not awaited by the join, and never rejects. */
  onJoined?: (actor: Actor, access: SessionAccess) => void;
}

/** Each app's disconnect listener (keyed by its channels), shared by all its sockets. */
const disconnectListeners = new WeakMap<Channels, (this: RealtimeSocket) => void>();

/** Sessions this socket is in, with their course (for roster removals). */
const joinedSessions = (socket: RealtimeSocket): Map<string, string> => (socket.data.sessions ??= new Map<string, string>());

/**
 * session:join / session:leave / session:status, registered once at start; returns the disconnect listener each
 * socket gets (presence). Joining a scheduled or live session opens the caller's attendance; an ended one can still
 * be joined to read what was missed.
 */
export function registerSessionSocket(on: On, deps: SessionSocketDeps): (this: RealtimeSocket) => void {
  const { loadSession, limits, sessions, presence, channels, meetings, events, shapeReplay, onJoined } = deps;

  // Handlers are shared by every socket: they use the socket they are given.
  on('session:join', sessionJoinInput, async (actor, input, socket, reply) => {
    await limits.take(actor, 'join');
    const access = await loadSession(actor, input.sessionId, 'view', 'session.join');
    const { session, manages } = access;
    if (input.sinceSeq !== undefined) requireEventsKept(session, input.sinceSeq);
    const joined = joinedSessions(socket);
    // Claimed before any await: a second join on this socket, or a disconnect meanwhile, sees it.
    const attends = !isEnded(session.status) && !joined.has(session.id);
    joined.set(session.id, session.course_id);
    if (attends) {
      // A join refused here (the database away) must open attendance when it is sent again on this socket.
      await presence.enter(actor, session.id, session.course_id).catch((err: unknown) => {
        joined.delete(session.id);
        throw err;
      });
    }
    // The link goes with attendance: to those whose join just opened it (scheduled or live), and to managers.
    const link = manages || !isEnded(session.status) ? await meetings.linkFor(session, actor, manages) : null;
    if (!socket.connected) {
      if (attends) await presence.exit(actor, session.id, { grace: false });
      return;
    }
    const { count, users } = presence.snapshot(session.id, manages);
    // Prepared before subscribing: the replay is shaped in the tick that joins the room.
    const shape = input.sinceSeq !== undefined && shapeReplay ? await shapeReplay(session.id, manages) : undefined;
    await channels
      .subscribe(socket, session.id, input.sinceSeq, JOIN_REPLAY_LIMIT, (replay) =>
        reply({
          session: toSessionDto(session, manages, link),
          presence: manages ? { count, users } : { count },
          events: (shape ? shape(replay.events) : replay.events).map((e) => ({ event: e.event, payload: e.payload }) as RoomEvent),
          hasMore: replay.hasMore,
        }),
      )
      .catch(async (err: unknown) => {
        // Retention dropped the range after the check above read the session: its mark says so by now. Anything else
        // that leaves a hole is a bug, and answers INTERNAL.
        if (err instanceof ReplayHoleError && input.sinceSeq !== undefined) await events.requireKeptNow(session.id, input.sinceSeq);
        throw err;
      });
    if (manages) socket.join(managersRoom(session.id));
    onJoined?.(actor, access);
  });

  on('session:leave', sessionLeaveInput, async (actor, input, socket) => {
    if (leaveRoom(socket, input.sessionId)) await presence.exit(actor, input.sessionId, { grace: false });
    return { sessionId: input.sessionId };
  });

  on('session:status', sessionStatusInput, async (actor, input) => sessions.update(actor, input.sessionId, { status: input.status }));

  on('announcement:set', announcementSetInput, async (actor, input) => sessions.announce(actor, input.sessionId, input.text));

  let onDisconnect = disconnectListeners.get(channels);
  if (!onDisconnect) {
    // Socket.IO calls it with the socket as `this`; one per app instead of a closure per socket.
    onDisconnect = function (this: RealtimeSocket) {
      // Nobody awaits a disconnect: presence logs and retries what fails.
      for (const sessionId of [...joinedSessions(this).keys()]) {
        if (leaveRoom(this, sessionId)) presence.exitInBackground(this.data.actor as Actor, sessionId, { grace: true });
      }
    };
    disconnectListeners.set(channels, onDisconnect);
  }
  return onDisconnect;

  /** Takes the socket out of the session's room; false when it was not in it. */
  function leaveRoom(s: RealtimeSocket, sessionId: string): boolean {
    if (!joinedSessions(s).delete(sessionId)) return false;
    s.leave(sessionRoom(sessionId));
    s.leave(managersRoom(sessionId));
    channels.release(sessionId);
    return true;
  }
}

/**
 * A user left a course's roster: their sockets on this node leave that course's session rooms at once (their
 * attendance was closed with the roster change) and hear session:removed. Other nodes are told to do the same.
 */
export async function removeFromCourseRooms(
  io: RealtimeServer,
  presence: Presence,
  channels: Channels,
  courseId: string,
  userId: string,
): Promise<void> {
  await removeFromSessions(io, presence, channels, userId, (_, course) => course === courseId, 'You are no longer on this course roster');
}

/**
 * A user may no longer be in one session (a breakout room they were moved out of): their sockets on this node leave
 * its room and hear `session:removed` with `reason`; their presence there ends. Other nodes are told to do the same.
 */
export async function removeFromSession(
  io: RealtimeServer,
  presence: Presence,
  channels: Channels,
  sessionId: string,
  userId: string,
  reason: string,
): Promise<void> {
  await removeFromSessions(io, presence, channels, userId, (id) => id === sessionId, reason);
}

async function removeFromSessions(
  io: RealtimeServer,
  presence: Presence,
  channels: Channels,
  userId: string,
  which: (sessionId: string, courseId: string) => boolean,
  reason: string,
): Promise<void> {
  for (const s of await io.local.in(`user:${userId}`).fetchSockets()) {
    const joined = (s.data.sessions ?? new Map()) as Map<string, string>;
    for (const [sessionId, course] of joined) {
      if (!which(sessionId, course)) continue;
      joined.delete(sessionId);
      s.leave(sessionRoom(sessionId));
      s.leave(managersRoom(sessionId));
      channels.release(sessionId);
      presence.exitInBackground(s.data.actor as Actor, sessionId, { grace: false });
      s.emit('session:removed', { sessionId, reason });
    }
  }
}
