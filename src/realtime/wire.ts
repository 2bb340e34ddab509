/**
 * The one module that reaches into Socket.IO, Engine.IO and ws internals, for one purpose: writing a room event that
 * was framed once straight to each recipient's WebSocket. The normal path costs every recipient an Engine.IO packet
 * object, its write buffer, several EventEmitter emits and a write callback; at 5,000 recipients per chat message
 * that was most of the server's CPU (profile in docs/performance.md). Verified against the versions in VERIFIED_WITH;
 * wire.test.ts fails when they change. Any shape this module does not recognise makes `writeFrames` return false, and
 * the caller then uses the normal, public path: an upgrade can make delivery slower, never wrong.
 */
import type { Socket } from 'socket.io';

/** The versions whose internals this module was read against (package-lock.json). */
export const VERIFIED_WITH = { 'socket.io': '4.8.4', 'engine.io': '6.6.13', ws: '8.23.0' } as const;

/** ws's Sender, as far as this module touches it (ws/lib/sender.js). */
interface WsSender {
  /** Frames waiting behind a compression or a Blob read; a direct write must not overtake them. */
  _queue: unknown[];
  /** 0 (DEFAULT) when nothing is being compressed or read. */
  _state: number;
  /** Writes one buffer, or two corked together (any further one would be dropped). */
  sendFrame(list: [Buffer] | [Buffer, Buffer], cb?: (err?: Error) => void): void;
}

/** Engine.IO's socket (engine.io/build/socket.js) and its WebSocket transport (transports/websocket.js). */
interface EngineConnection {
  readyState: string;
  /** Packets not yet handed to the transport; a direct write must not overtake them either. */
  writeBuffer: unknown[];
  transport: { name: string; writable: boolean; socket?: { readyState: number; _sender?: WsSender } };
}

/**
 * A Socket.IO EVENT packet for the main namespace as Engine.IO carries it: "4" (message) + "2" (event) + JSON.
 * Our payloads are JSON rows, never binary, so one text packet always suffices.
 */
export function encodeEvent(event: string, payload: unknown): string {
  return `42${JSON.stringify([event, payload])}`;
}

/** One unmasked, final WebSocket text frame (RFC 6455 §5.2) holding `text`, header and body in one buffer. */
export function wsTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, headerLength);
  return frame;
}

/** Whether this process ever refused the fast path, and why; tests read it, nothing else should. */
export const wireStats = { direct: 0, fallback: 0 };

/** Why `writeFrames` fell back to the caller's socket.emit. */
export type DirectWriteBlocker = 'closed' | 'polling' | 'busy' | 'unrecognised';

/**
 * Why a frame cannot be written straight to this socket now, or undefined when it can: `closed` (not open),
 * `polling` (not on the WebSocket transport), `busy` (something for it is queued: the frame would overtake it) or
 * `unrecognised` (the internals are not shaped as VERIFIED_WITH: an upgrade changed them).
 */
export function directWriteBlocker(socket: Socket): DirectWriteBlocker | undefined {
  const conn = socket.conn as unknown as EngineConnection | undefined;
  const transport = conn?.transport;
  const sender = transport?.socket?._sender;
  if (!socket.connected || conn?.readyState !== 'open') return 'closed';
  if (transport?.name !== 'websocket') return 'polling';
  if (
    typeof sender?.sendFrame !== 'function' ||
    !Array.isArray(sender._queue) ||
    typeof sender._state !== 'number' ||
    !Array.isArray(conn.writeBuffer) ||
    typeof transport.writable !== 'boolean'
  ) {
    return 'unrecognised';
  }
  if (
    conn.writeBuffer.length !== 0 ||
    !transport.writable ||
    transport.socket?.readyState !== 1 ||
    sender._queue.length !== 0 ||
    sender._state !== 0
  ) {
    return 'busy';
  }
  return undefined;
}

/**
 * Writes `frames` (one or more complete WebSocket frames) to the socket's WebSocket in one write, when nothing else
 * for this socket is queued anywhere: its Engine.IO connection is open on the websocket transport, the transport is
 * writable (no send in progress), its write buffer is empty, and ws has nothing queued. Then the frames land on the
 * wire exactly where a normal emit made now would. Returns false, having written nothing, otherwise
 * (`directWriteBlocker` says why).
 */
export function writeFrames(socket: Socket, frames: Buffer, more?: Buffer): boolean {
  if (directWriteBlocker(socket) !== undefined) {
    wireStats.fallback += 1;
    return false;
  }
  // directWriteBlocker has just checked that the transport has a socket with a sender.
  // Two buffers go out corked, in one writev: the same single write as one buffer, without copying them together.
  (socket.conn as unknown as EngineConnection).transport.socket?._sender?.sendFrame(more ? [frames, more] : [frames]);
  wireStats.direct += 1;
  return true;
}
