/**
 * The app's Prometheus metrics: one prom-client Registry per app (never the global default one, so the many apps a
 * test process builds do not collide), and the few typed instruments the hot paths call. Hot paths only count: one
 * `inc()` per batch, per fan-out pass or per publish; whatever can be read when Prometheus asks (sockets, rooms,
 * the database pool, meeting jobs) is read then, in `collect()`. docs/deployment.md lists every metric.
 */
import type { FastifyBaseLogger } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Server, Socket } from 'socket.io';
import type { BatchObserver } from '../db/batcher.ts';
import type { FanoutObserver } from '../realtime/fanout.ts';
import { directWriteBlocker, VERIFIED_WITH } from '../realtime/wire.ts';

const PREFIX = 'skill_probe_';

/** The operations read at scrape time; each is optional so a test may build metrics without a whole app. */
export interface ScrapeSources {
  io?: Server;
  /** The database pool now: pg's counts, or PGlite's one connection. */
  pool?: () => { total: number; idle?: number; waiting?: number } | undefined;
  /** Outstanding meeting-provider jobs by state. */
  meetingJobs?: () => Promise<Record<string, number>>;
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Instruments for one app. `defaults` adds prom-client's process metrics (CPU, memory, handles, GC, event-loop
 * delay); only an app that serves /metrics pays for their monitors.
 */
export function createMetrics(log: FastifyBaseLogger, { defaults = false } = {}) {
  const registry = new Registry();
  const registers = [registry];
  if (defaults) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });

  const eventsAppended = new Counter({
    name: `${PREFIX}events_appended_total`,
    help: 'Events this node appended to session logs (committed), by event name',
    labelNames: ['event'],
    registers,
  });
  const eventsFannedOut = new Counter({
    name: `${PREFIX}events_fanned_out_total`,
    help: "Committed events handed to this node's session rooms (from this node or another)",
    registers,
  });
  const passes = new Counter({ name: `${PREFIX}fanout_passes_total`, help: 'Fan-out passes over a session room', registers });
  const deliveries = new Counter({
    name: `${PREFIX}fanout_deliveries_total`,
    help: 'Writes to sockets by the fan-out (one write carries every event a member lacked)',
    registers,
  });
  const fallbacks = new Counter({
    name: `${PREFIX}fanout_fallback_writes_total`,
    help: 'Fan-out writes that used socket.emit instead of a direct WebSocket frame, by reason',
    labelNames: ['reason'],
    registers,
  });
  const batchSize = new Histogram({
    name: `${PREFIX}db_batch_size`,
    help: 'Writes per group-commit batch, by batcher',
    labelNames: ['batcher'],
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
    registers,
  });
  const batchSeconds = new Histogram({
    name: `${PREFIX}db_batch_commit_seconds`,
    help: 'Time to write and commit one group-commit batch, by batcher',
    labelNames: ['batcher'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const batchFailures = new Counter({
    name: `${PREFIX}db_batch_failed_writes_total`,
    help: 'Writes a group-commit batch failed (their callers got the error), by batcher',
    labelNames: ['batcher'],
    registers,
  });
  const refusals = new Counter({
    name: `${PREFIX}rate_limit_refusals_total`,
    help: 'Requests and class actions refused by a rate limit: limit is rest or the class action',
    labelNames: ['limit'],
    registers,
  });
  const httpSeconds = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP response time by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });

  const loggedFallbacks = new Set<string>();
  const fanout: FanoutObserver = {
    pushed: (events) => eventsFannedOut.inc(events),
    passed: (writes) => {
      passes.inc();
      if (writes > 0) deliveries.inc(writes);
    },
    fellBack(socket: Socket) {
      const reason = directWriteBlocker(socket) ?? 'unknown';
      fallbacks.inc({ reason });
      // One line per reason and app: an upgrade that breaks the fast path shows once, not once per message.
      if (loggedFallbacks.has(reason)) return;
      loggedFallbacks.add(reason);
      const context = { socketId: socket.id, transport: socket.conn?.transport?.name, reason, verifiedWith: VERIFIED_WITH };
      if (reason === 'unrecognised') log.warn(context, 'fan-out: Socket.IO internals not recognised; sending through socket.emit');
      else log.info(context, 'fan-out: first write through socket.emit instead of a direct frame');
    },
  };

  return {
    registry,
    fanout,
    /** The publish port counts what this node committed. */
    appended(events: readonly { event: string }[]): void {
      for (const e of events) eventsAppended.inc({ event: e.event });
    },
    /** An observer for one named group-commit batcher (its label children are made once, here). */
    batches(name: string): BatchObserver {
      const size = batchSize.labels({ batcher: name });
      const seconds = batchSeconds.labels({ batcher: name });
      const failed = batchFailures.labels({ batcher: name });
      return {
        committed: (writes, elapsed) => {
          size.observe(writes);
          seconds.observe(elapsed);
        },
        failed: (writes) => failed.inc(writes),
      };
    },
    /** A rate limit said no: `rest` for the per-user /api limit, else the class action (chat, vote, …). */
    refused(limit: string): void {
      refusals.inc({ limit });
    },
    /** One HTTP response; `route` is the route's pattern (bounded), never the raw URL. */
    responded(method: string, route: string, status: number, seconds: number): void {
      httpSeconds.observe({ method, route, status_code: String(status) }, seconds);
    },
    /** Gauges read at scrape time from the app's live objects. */
    watch(sources: ScrapeSources): void {
      watchGauges(registers, log, sources);
    },
  };
}

function watchGauges(registers: Registry[], log: FastifyBaseLogger, { io, pool, meetingJobs }: ScrapeSources) {
  new Gauge({
    name: `${PREFIX}sockets_connected`,
    help: 'Authenticated Socket.IO connections on this node',
    registers,
    collect() {
      this.set(io?.sockets.sockets.size ?? 0);
    },
  });
  new Gauge({
    name: `${PREFIX}session_rooms`,
    help: 'Session rooms with at least one member on this node',
    registers,
    collect() {
      this.set(sessionRooms(io).rooms);
    },
  });
  new Gauge({
    name: `${PREFIX}session_room_members`,
    help: 'Sockets in session rooms on this node (a user with two tabs counts twice)',
    registers,
    collect() {
      this.set(sessionRooms(io).members);
    },
  });
  new Gauge({
    name: `${PREFIX}db_pool_connections`,
    help: 'Database connections: total, idle, and waiting (queries queued for a connection); PGlite reports its one',
    labelNames: ['state'],
    registers,
    collect() {
      this.reset();
      const now = pool?.();
      if (!now) return;
      this.set({ state: 'total' }, now.total);
      if (now.idle !== undefined) this.set({ state: 'idle' }, now.idle);
      if (now.waiting !== undefined) this.set({ state: 'waiting' }, now.waiting);
    },
  });
  new Gauge({
    name: `${PREFIX}meeting_jobs`,
    help: 'Outstanding meeting-provider jobs: running (claimed), due, waiting (scheduled or backing off)',
    labelNames: ['state'],
    registers,
    async collect() {
      if (!meetingJobs) return;
      try {
        const counts = await withTimeout(meetingJobs(), 3000);
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      } catch (err) {
        // A scrape still answers (the other metrics matter most in an outage); the gauge keeps its last values.
        log.warn({ err }, 'metrics: could not count meeting jobs');
      }
    },
  });
}

/** Session rooms have the `session:` prefix; the others are one per socket and one per user. */
function sessionRooms(io: Server | undefined): { rooms: number; members: number } {
  let rooms = 0;
  let members = 0;
  for (const [name, sockets] of io?.sockets.adapter.rooms ?? []) {
    if (!name.startsWith('session:')) continue;
    rooms += 1;
    members += sockets.size;
  }
  return { rooms, members };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
