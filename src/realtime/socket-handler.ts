import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { Actor } from '../auth/actor.ts';
import type { OutageLog } from '../db/outage.ts';
import { AppError, type ErrorCode, type ErrorDetail } from '../errors.ts';
import type { ClientToServerEvents } from './protocol.ts';
import type { RealtimeSocket } from './server.ts';

/** Every client event is answered through its ack with one of these. `retryable` marks a database outage. */
export type AckReply<T = unknown> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ErrorCode; message: string; details?: ErrorDetail[]; retryable?: true } };

type AckError = Extract<AckReply, { ok: false }>['error'];

/** A client event's handler: its result is the ack, or it calls `reply` itself and returns nothing. */
// biome-ignore-start lint/suspicious/noConfusingVoidType: a handler that replies itself returns nothing (`void`), which `undefined` would not admit.
type Handler<S extends z.ZodType, R> = (
  actor: Actor,
  input: z.infer<S>,
  socket: RealtimeSocket,
  reply: (data: R) => void,
) => Promise<R | void>;
// biome-ignore-end lint/suspicious/noConfusingVoidType: see above

/**
 * Registers a client event: parse with the shared zod schema → service → ack with what the handler returns.
 * A handler that must ack at an exact moment (session:join acks in the same tick it joins the room) calls `reply`
 * itself; the wrapper then sends nothing more. Events are registered once at start and serve every socket, so a
 * handler must take the socket from its arguments, never from a closure.
 */
export type On = <S extends z.ZodType, R>(event: keyof ClientToServerEvents, schema: S, handler: Handler<S, R>) => void;

type Listener = (this: RealtimeSocket, ...args: unknown[]) => Promise<void>;

export interface SocketEvents {
  /** Registers a client event (at start; a name registered twice is a bug and throws). */
  on: On;
  /** Every registered client event, e.g. for the docs or a test that sends each one. */
  names: () => string[];
  /** Gives a connected socket every registered event, and an answer to unknown ones. */
  attach: (socket: RealtimeSocket) => void;
}

/** The graceful shutdown's hold on client events (drain.ts): refuse them while closing, count those being handled. */
export interface EventWork {
  refusing: () => boolean;
  refusal: AckError;
  begin: () => void;
  end: () => void;
}

const untracked: EventWork = {
  refusing: () => false,
  refusal: { code: 'UNAVAILABLE', message: 'Unavailable', retryable: true },
  begin: () => {},
  end: () => {},
};

/**
 * The table of client events, built once at start: on connection a socket only gets the table's listeners (one
 * shared function per event; Socket.IO calls it with the socket as `this`), not a run of every registration.
 */
export function createSocketEvents(log: FastifyBaseLogger, outage: OutageLog, work: EventWork = untracked): SocketEvents {
  const table = new Map<string, Listener>();
  const toError = (err: unknown, event: string, actor: Actor) => toAckError(err, { event, userId: actor.id }, log, outage);

  // Socket.IO calls any-listeners before the event's own, with the ack last. A known event costs one Map lookup.
  const answerUnknown = function (this: RealtimeSocket, event: string, ...args: unknown[]) {
    if (table.has(event)) return;
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') return;
    ack({ ok: false, error: { code: 'UNKNOWN_EVENT', message: `No client event "${event}"; see docs/realtime.md` } } satisfies AckReply);
  };

  return {
    on(event, schema, handler) {
      if (table.has(event)) throw new Error(`Client event ${event} is registered twice`);
      table.set(event, listenerFor(event, schema, handler, toError, work));
    },
    names: () => [...table.keys()],
    attach(socket) {
      // The table's listeners take the raw arguments (the payload is parsed, the ack found last), so they are typed
      // as Socket.IO's untyped listener rather than as each event's own signature.
      for (const [event, listener] of table) socket.on(event as keyof ClientToServerEvents, listener as never);
      socket.onAny(answerUnknown);
    },
  };
}

/**
 * The socket twin of a route: the same schema, the same service call with the same actor, the same error codes.
 * The ack is the last argument Socket.IO passes, whatever came before it, so an emit without a payload or with
 * extra arguments is answered VALIDATION_FAILED rather than left hanging. A client that sends no ack callback still
 * has its action carried out; it just hears nothing back.
 */
function listenerFor<S extends z.ZodType, R>(
  event: string,
  schema: S,
  handler: Handler<S, R>,
  toError: (err: unknown, event: string, actor: Actor) => AckError,
  work: EventWork,
): Listener {
  return async function (this: RealtimeSocket, ...args: unknown[]) {
    const last = args[args.length - 1];
    const maybeAck = typeof last === 'function' ? (last as (r: AckReply) => void) : undefined;
    // A stopping node takes no new work; an event without an ack is dropped, as nobody would hear the refusal.
    if (work.refusing()) return void maybeAck?.({ ok: false, error: work.refusal });
    work.begin();
    let answered = false;
    const ack = (reply: AckReply) => {
      if (answered) return;
      answered = true;
      maybeAck?.(reply);
    };
    try {
      const raw = payloadOf(event, args, maybeAck ? args.length - 1 : args.length);
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw validationError(parsed.error);
      const data = await handler(this.data.actor as Actor, parsed.data, this, (d) => ack({ ok: true, data: d }));
      ack({ ok: true, data });
    } catch (err) {
      ack({ ok: false, error: toError(err, event, this.data.actor as Actor) });
    } finally {
      work.end();
    }
  };
}

/** Every client event takes exactly one payload object (then the ack). */
function payloadOf(event: string, args: unknown[], count: number): unknown {
  if (count === 0)
    throw new AppError('VALIDATION_FAILED', `${event} needs a payload object`, [{ field: '(payload)', message: 'is missing' }]);
  if (count > 1) {
    throw new AppError('VALIDATION_FAILED', `${event} takes one payload object and an ack; it got ${count} arguments before the ack`, [
      { field: '(arguments)', message: `expected 1, got ${count}` },
    ]);
  }
  const raw = args[0];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new AppError('VALIDATION_FAILED', `${event} needs a payload object`, [{ field: '(payload)', message: 'is not an object' }]);
  }
  return raw;
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

/**
 * An error as an ack carries it: the client's own codes as they are, a database outage as a retryable UNAVAILABLE
 * (logged once per episode by `outage`), anything else as INTERNAL with the details only in the log.
 */
export function toAckError(err: unknown, context: { event: string; userId?: string }, log: FastifyBaseLogger, outage: OutageLog): AckError {
  if (err instanceof AppError && err.status < 500) {
    return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  }
  if (outage.report(err)) return unavailableAck;
  log.error({ err, ...context }, 'socket event failed');
  return { code: 'INTERNAL', message: 'Internal server error' };
}

/** The answer to any socket request, and to a handshake, while the database is unavailable. */
export const unavailableAck: AckError = Object.freeze({
  code: 'UNAVAILABLE',
  message: 'The database is unavailable; retry shortly',
  retryable: true,
});
