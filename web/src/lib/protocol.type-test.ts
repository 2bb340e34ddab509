/**
 * Type tests of the event contract in the web app, checked by `npm run typecheck` and never run or bundled (nothing
 * imports this file). Each `@ts-expect-error` line must stay an error: if the app's event types loosen, the directive
 * becomes unused and the type check fails.
 */
import { ROOM_EVENTS } from '../../../src/realtime/protocol.ts';
import { applyEvent, type ClassEvent, emptyClass } from './class-state.ts';
import type { Classroom, ClassSocket } from './classroom.ts';

declare const socket: ClassSocket;
declare const room: Classroom;
declare const e: ClassEvent;

/** The reducer takes only events the server sends, with their payloads. */
export function reduced(): void {
  applyEvent(emptyClass, { event: 'chat:deleted', payload: { seq: 1, messageId: 'm1' } });
  // @ts-expect-error a misspelt event name
  applyEvent(emptyClass, { event: 'chat:delete', payload: { seq: 1, messageId: 'm1' } });
  // @ts-expect-error a wrong payload field
  applyEvent(emptyClass, { event: 'chat:deleted', payload: { seq: 1, id: 'm1' } });
}

/** A switch over the events, as in applyEvent: a case the server cannot send, or a field it does not carry, fails. */
export function switched(): string | undefined {
  switch (e.event) {
    case 'chat:deleted':
      return e.payload.messageId;
    // @ts-expect-error a misspelt event name in a case
    case 'chat:mesage':
      return undefined;
    case 'chat:message':
      // @ts-expect-error a payload field the event does not have
      return e.payload.body;
  }
  return undefined;
}

/** The socket is typed with the protocol maps both ways. */
export function socketTyped(): void {
  socket.on('session:removed', (p) => p.reason);
  // @ts-expect-error listening for an event the server never sends
  socket.on('session:remove', () => undefined);
  // @ts-expect-error a payload field the server does not send
  socket.on('session:removed', (p) => p.why);
  void room.request('poll:vote', { pollId: 'p1', choice: 1 });
  // @ts-expect-error a misspelt request
  void room.request('poll:vot', { pollId: 'p1', choice: 1 });
  // @ts-expect-error a wrong request field
  void room.request('poll:vote', { pollId: 'p1', answer: 1 });
}

/** The app subscribes to the protocol's own list of room events. */
export const names: readonly ClassEvent['event'][] = ROOM_EVENTS;
