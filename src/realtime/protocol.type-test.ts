/**
 * Type tests of the event contract on the server, checked by `npm run typecheck` and never run (the name does not
 * match `*.test.ts`). Each `@ts-expect-error` line must stay an error: if a type loosens (events as strings, a
 * payload as a record), the directive becomes unused and the type check fails.
 */
import { z } from 'zod';
import { recordChange } from '../classroom/class-deps.ts';
import type { EventDraft } from '../events/events.repo.ts';
import { ROOM_EVENTS, type RoomEventName } from './protocol.ts';
import type { RealtimeServer, RealtimeSocket } from './server.ts';
import type { On } from './socket-handler.ts';

declare const io: RealtimeServer;
declare const socket: RealtimeSocket;
declare const on: On;
declare const deps: Parameters<typeof recordChange>[0];

/** A draft names a room event and carries exactly its payload, without the seq the log gives it. */
export const drafts: EventDraft[] = [
  { event: 'chat:deleted', payload: { messageId: 'm1' } },
  // @ts-expect-error a misspelt event name
  { event: 'chat:delted', payload: { messageId: 'm1' } },
  // @ts-expect-error a payload field the event does not have
  { event: 'chat:deleted', payload: { messageId: 'm1', body: 'hi' } },
  // @ts-expect-error a payload field of the wrong type
  { event: 'chat:deleted', payload: { messageId: 1 } },
  // @ts-expect-error a payload without its field
  { event: 'chat:deleted', payload: {} },
  // @ts-expect-error a draft does not pick its own seq
  { event: 'chat:deleted', payload: { seq: 1, messageId: 'm1' } },
];

/** recordChange, the one way a class changes, holds every feature's drafts to the same contract. */
export async function recordedChanges(): Promise<void> {
  await recordChange(deps, 's1', async () => ({
    result: null,
    events: [{ event: 'poll:results', payload: { pollId: 'p1', results: { total: 0, counts: [] } } }],
  }));
  // @ts-expect-error a misspelt event name in a change
  await recordChange(deps, 's1', async () => ({
    result: null,
    events: [{ event: 'poll:result', payload: { pollId: 'p1', results: { total: 0, counts: [] } } }],
  }));
  // @ts-expect-error a wrong payload field in a change
  await recordChange(deps, 's1', async () => ({
    result: null,
    events: [{ event: 'poll:results', payload: { poll: 'p1', results: { total: 0, counts: [] } } }],
  }));
}

/** Socket.IO's server is typed with the protocol maps: what it emits and what it listens for. */
export function emits(): void {
  socket.emit('session:removed', { sessionId: 's1', reason: 'left the roster' });
  // @ts-expect-error a misspelt event name in an emit
  socket.emit('session:remove', { sessionId: 's1', reason: 'left the roster' });
  // @ts-expect-error a wrong payload field in an emit
  socket.emit('session:removed', { sessionId: 's1', why: 'left the roster' });
  io.to('session:s1').emit('chat:deleted', { seq: 1, messageId: 'm1' });
  // @ts-expect-error a room event emitted without its seq
  io.to('session:s1').emit('chat:deleted', { messageId: 'm1' });
  on('chat:send', z.object({}), async () => null);
  // @ts-expect-error a handler for an event no client sends
  on('chat:sned', z.object({}), async () => null);
}

/** The runtime list of room events holds room event names only (protocol.ts makes it list every one). */
export const names: readonly RoomEventName[] = ROOM_EVENTS;
