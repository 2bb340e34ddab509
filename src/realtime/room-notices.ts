import type { ReactionBurst } from '../reactions/reactions.schemas.ts';
import type { RealtimeServer } from './server.ts';
import { encodeEvent, writeFrames, wsTextFrame } from './wire.ts';

/** As the room fan-out (fanout.ts): one slice holds the event loop at most this long. */
const SLICE_MS = 2;
const CHECK_EVERY = 16;

/**
 * Notices to a whole room that are not logged events (no seq, no replay): a reaction burst. Socket.IO's own
 * `io.to(room).emit` would write to 5,000 sockets in one go, through every per-socket layer: tens of milliseconds
 * of event loop, once a second, stalling every ack and fan-out behind it. Here the frame is built once and written
 * straight to each WebSocket (wire.ts), in 2 ms slices that yield between them, as the room fan-out writes; a socket
 * that cannot take a direct write (polling, or something queued for it) gets a normal emit. Only this node's sockets:
 * each node sends its own.
 */
export function createRoomNotices(io: RealtimeServer) {
  return {
    send(room: string, event: 'reaction:burst', payload: ReactionBurst): void {
      const members = [...(io.sockets.adapter.rooms.get(room) ?? [])];
      if (members.length === 0) return;
      const frame = wsTextFrame(encodeEvent(event, payload));
      let next = 0;
      const slice = () => {
        const deadline = performance.now() + SLICE_MS;
        const current = io.sockets.adapter.rooms.get(room);
        while (next < members.length) {
          const id = members[next++] as string;
          // A socket that left the room since the notice began hears no more of it.
          const socket = current?.has(id) ? io.sockets.sockets.get(id) : undefined;
          if (socket && !writeFrames(socket, frame)) socket.emit(event, payload);
          if (next % CHECK_EVERY === 0 && performance.now() >= deadline) return void setImmediate(slice);
        }
      };
      slice();
    },
  };
}

export type RoomNotices = ReturnType<typeof createRoomNotices>;
