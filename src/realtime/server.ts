import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { Server, type Socket } from 'socket.io';
import type { Actor } from '../auth/actor.ts';
import type { VerifyToken } from '../auth/tokens.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { Config } from '../config.ts';
import type { OutageLog } from '../db/outage.ts';
import { AppError } from '../errors.ts';
import type { Budget } from '../http/window-limiter.ts';
import type { RecordUser } from '../users/user-recorder.ts';
import { unavailableAck } from './socket-handler.ts';
import type { ClientToServerEvents, ServerToClientEvents } from './protocol.ts';

/** What a socket carries from its handshake on (and the sessions it has joined, which session:join keeps). */
export interface SocketData {
  actor: Actor;
  /** When the token expires, in epoch milliseconds. */
  expiresAt: number;
  /** Room events arrive as `events` frames (docs/realtime.md). */
  batch?: boolean;
  sessions?: Map<string, string>;
}

/** Socket.IO typed with the protocol: an emit with a misspelt event or a wrong payload field fails the type check. */
export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeServerDeps {
  config: Config;
  verify: VerifyToken;
  recordUser: RecordUser;
  audit: AuditService;
  /** The same per-address budget of failed authentications as REST. */
  failures: Budget;
  log: FastifyBaseLogger;
  /** Recording the user needs the database: an outage refuses the handshake as retryable, logged once per episode. */
  outage: OutageLog;
}

/** How often connected sockets are checked for an expired token. */
const EXPIRY_SWEEP_MS = 1000;

/**
 * Socket.IO on the service's own HTTP server. The Origin is checked in `allowRequest` for every transport (the
 * `cors` option alone does not stop cross-site WebSocket hijacking); the JWT in `handshake.auth.token` is verified
 * exactly as on REST; a socket is disconnected when its token expires.
 */
export function createRealtimeServer(httpServer: HttpServer, deps: RealtimeServerDeps): RealtimeServer {
  const { config, verify, recordUser, audit, failures, log, outage } = deps;
  const io: RealtimeServer = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: config.realtime.maxMessageBytes,
    cors: config.corsOrigins.length > 0 ? { origin: config.corsOrigins } : undefined,
    allowRequest: (req, callback) => callback(null, originAllowed(req, config.corsOrigins)),
  });

  io.use(async (socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    try {
      if (typeof token !== 'string' || token.length === 0) {
        throw new AppError('UNAUTHENTICATED', 'Send the token as auth: { token } in the handshake');
      }
      const claims = await verify(token);
      await recordUser(claims);
      const actor: Actor = {
        id: claims.sub,
        name: claims.name,
        role: claims.role,
        email: claims.email ?? null,
        ip: socket.handshake.address,
      };
      socket.data.actor = actor;
      socket.data.expiresAt = claims.exp * 1000;
      // Opt-in (docs/realtime.md): room events arrive as `events` frames, each carrying every event of one fan-out.
      if (socket.handshake.auth?.batch === true) socket.data.batch = true;
      next();
    } catch (err) {
      if (outage.report(err)) return next(handshakeError(unavailableAck));
      const e = await refusal(err, socket.handshake.address);
      next(handshakeError({ code: e.code, message: e.message }));
    }
  });

  /** The refusal to send back: audited while the address is within its budget of failures, a bare 429 after. */
  async function refusal(err: unknown, ip: string): Promise<AppError> {
    if (!(err instanceof AppError)) {
      log.error({ err }, 'socket handshake failed');
      return new AppError('INTERNAL', 'Internal server error');
    }
    const wait = await failures.retryAfter(ip);
    if (wait > 0) return new AppError('RATE_LIMITED', `Too many failed authentications from this address; retry in ${wait} s`);
    if (err.status === 401) await failures.record(ip);
    // The refusal goes out even when its audit row cannot be written (the database is away); the gap is logged.
    await audit.deny(null, 'auth.reject', { type: 'socket', id: null }, err, ip).catch((auditErr: unknown) => {
      log.error({ err: auditErr, ip, code: err.code }, 'could not audit a refused socket handshake');
    });
    return err;
  }

  disconnectWhenExpired(io);
  return io;
}

/** Socket.IO hands `data` to the client's connect_error: `{ code, message }`, plus `retryable: true` in an outage. */
function handshakeError(data: { code: string; message: string; retryable?: true }): Error {
  return Object.assign(new Error(data.message), { data });
}

/** Browsers always send Origin; a non-browser client (no Origin) is judged by its token alone. */
function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  const host = req.headers.host;
  return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}

/**
 * One sweep a second over the connected sockets, instead of a timer, a closure and a listener per socket (about
 * 0.5 KiB each, which 5,000 students multiply; the sweep itself costs microseconds). A token is honoured at most a
 * sweep past its expiry.
 */
function disconnectWhenExpired(io: RealtimeServer): void {
  let sweep: NodeJS.Timeout | undefined;
  const check = () => {
    const now = Date.now();
    for (const socket of io.sockets.sockets.values()) {
      if ((socket.data.expiresAt as number) > now) continue;
      socket.emit('auth:expired', { code: 'TOKEN_EXPIRED', message: 'The token has expired; reconnect with a fresh one' });
      socket.disconnect(true);
    }
    if (io.sockets.sockets.size === 0) {
      clearInterval(sweep);
      sweep = undefined;
    }
  };
  io.on('connection', () => {
    // Runs only while someone is connected; the HTTP server, not this timer, keeps the process alive.
    sweep ??= setInterval(check, EXPIRY_SWEEP_MS).unref();
  });
}
