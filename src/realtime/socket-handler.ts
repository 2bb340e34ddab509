import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import { AppError, type ErrorCode, type ErrorDetail } from '../errors.ts';
import type { ClientToServerEvents } from './protocol.ts';
import type { RealtimeSocket } from './server.ts';

/** Every client event is answered through its ack with one of these. */
export type AckReply<T = unknown> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ErrorCode; message: string; details?: ErrorDetail[] } };

/**
 * Registers a client event: parse with the shared zod schema → service → ack with what the handler returns.
 * A handler that must ack at an exact moment (session:join acks in the same tick it joins the room) calls `reply`
 * itself; the wrapper then sends nothing more. The first handler registered for an event serves every socket of the
 * namespace, so a handler must take the socket from its arguments, never from a closure.
 */
export type On = <S extends z.ZodType, R>(
  event: keyof ClientToServerEvents,
  schema: S,
  handler: (actor: Actor, input: z.infer<S>, socket: RealtimeSocket, reply: (data: R) => void) => Promise<R | void>,
) => void;

type Listener = (this: RealtimeSocket, raw: unknown, maybeAck: unknown) => Promise<void>;

/** Each namespace's listeners, one per event, shared by all its sockets (a closure per socket per event was ~1 KiB). */
const listeners = new WeakMap<object, Map<string, Listener>>();

/**
 * The socket twin of a route: the same schema, the same service call with the same actor, the same error codes.
 * A client that sends no ack callback still has its action carried out; it just hears nothing back.
 */
export function createOn(socket: RealtimeSocket, log: FastifyBaseLogger): On {
  let shared = listeners.get(socket.nsp);
  if (!shared) listeners.set(socket.nsp, (shared = new Map()));
  const table = shared;
  return (event, schema, handler) => {
    let listener = table.get(event);
    if (!listener) {
      // Socket.IO calls a listener with the socket as `this`.
      listener = async function (this: RealtimeSocket, raw: unknown, maybeAck: unknown) {
        const socket = this;
        let answered = false;
        const ack = (reply: AckReply) => {
          if (answered) return;
          answered = true;
          if (typeof maybeAck === 'function') (maybeAck as (r: AckReply) => void)(reply);
        };
        try {
          const parsed = schema.safeParse(raw);
          if (!parsed.success) throw validationError(parsed.error);
          const data = await handler(socket.data.actor as Actor, parsed.data, socket, (d) => ack({ ok: true, data: d }));
          ack({ ok: true, data });
        } catch (err) {
          ack({ ok: false, error: toAckError(err, event, log) });
        }
      };
      table.set(event, listener);
    }
    socket.on(event, listener);
  };
}

function validationError(error: z.ZodError): AppError {
  const details = error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({ field: [...path, k].join('.'), message: 'is not a known field' }));
    }
    return [{ field: path.join('.') || '(payload)', message: issue.message }];
  });
  const first = details[0];
  return new AppError('VALIDATION_FAILED', first ? `${first.field}: ${first.message}` : 'Invalid payload', details);
}

export function toAckError(err: unknown, event: string, log: FastifyBaseLogger): Extract<AckReply, { ok: false }>['error'] {
  if (err instanceof AppError && err.status < 500) {
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  }
  log.error({ err, event }, 'socket event failed');
  return { code: 'INTERNAL', message: 'Internal server error' };
}
