import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { attendanceRoutes } from './attendance/attendance.routes.ts';
import { closeAttendanceAtClassEnd, createAttendanceService } from './attendance/attendance.service.ts';
import { registerAttendanceSocket } from './attendance/attendance.socket.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { createAuditService } from './audit/audit.service.ts';
import { createTokenVerifier } from './auth/tokens.ts';
import { createUserRecorder } from './users/user-recorder.ts';
import type { Actor } from './auth/actor.ts';
import { createPresence } from './attendance/presence.ts';
import { createEventsService } from './events/events.service.ts';
import { eventsRoutes } from './events/events.routes.ts';
import { createActionLimits } from './classroom/action-limits.ts';
import { handlePromiseError } from './background.ts';
import { createChannels, managersRoom } from './realtime/channels.ts';
import type { ClassDeps } from './classroom/class-deps.ts';
import { type ClassFeature, composeReplayShapers } from './classroom/feature.ts';
import { createPollsFeature } from './polls/polls.feature.ts';
import { createChatFeature } from './chat/chat.feature.ts';
import { createQaFeature } from './qa/qa.feature.ts';
import { createHandsFeature } from './hands/hands.feature.ts';
import { createBreakoutsFeature } from './breakouts/breakouts.feature.ts';
import { createReactionsFeature } from './reactions/reactions.feature.ts';
import { announcementRoutes } from './sessions/announcement.routes.ts';
import { createRealtimeServer } from './realtime/server.ts';
import type { ReactionBurst } from './reactions/reactions.schemas.ts';
import { createSocketDrain } from './realtime/drain.ts';
import { startEventRetention } from './events/retention.ts';
import { createSocketEvents } from './realtime/socket-handler.ts';
import { registerSessionSocket, removeFromCourseRooms, removeFromSession } from './sessions/sessions.socket.ts';
import { createCourseRooms } from './sessions/course-room.ts';
import { registerCourseSocket } from './sessions/course-room.socket.ts';
import type { Config } from './config.ts';
import { coursesRoutes } from './courses/courses.routes.ts';
import { createCoursesService } from './courses/courses.service.ts';
import { type Db, poolStats } from './db/kysely.ts';
import { createOutageLog, type OutageLog } from './db/outage.ts';
import { countJobsByState } from './meetings/meetings.repo.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { registerMetrics } from './metrics/metrics.routes.ts';
import { demoRoutes } from './demo/demo.routes.ts';
import { createDemoService } from './demo/demo.service.ts';
import { registerAuth } from './http/auth.ts';
import { localBudgets } from './http/window-limiter.ts';
import { joinCluster } from './cluster/cluster.ts';
import { resyncChannels } from './cluster/resync.ts';
import { dropRemovedMembers } from './cluster/roster-recheck.ts';
import type { StoredEvent } from './events/events.repo.ts';
import { clientErrorHandler, frameworkErrors, refuseWhileClosing, registerErrorHandling, registerJsonParser } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { registerWebApp } from './http/web.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { registerOpenApi } from './http/openapi.ts';
import { registerRateLimit } from './http/rate-limit.ts';
import { createMeetSync } from './meetings/meet-sync.job.ts';
import { meetSyncRoutes } from './meetings/meet-sync.routes.ts';
import { createMeetSyncService } from './meetings/meet-sync.service.ts';
import { createMeetingWorker } from './meetings/meeting-worker.ts';
import { meetingsRoutes } from './meetings/meetings.routes.ts';
import { createMeetingsService } from './meetings/meetings.service.ts';
import { createMeetingProviders } from './meetings/providers.ts';
import { createSessionLoader, invalidateSession } from './classroom/session-access.ts';
import { invalidateBreakoutCaches } from './breakouts/breakouts.cache.ts';
import type { ClassEndHook, SessionChangeHook } from './classroom/feature.ts';
import { invalidateMembership } from './classroom/membership.ts';
import { joinLinkRoutes } from './sessions/join-link.routes.ts';
import { sessionsRoutes } from './sessions/sessions.routes.ts';
import { createSessionsService } from './sessions/sessions.service.ts';
import { reportsRoutes } from './reports/reports.routes.ts';
import { createReportsService } from './reports/reports.service.ts';
import { settingsRoutes } from './reports/settings.routes.ts';
import { moderationRoutes } from './courses/moderation.routes.ts';
import { createModerationService } from './courses/moderation.service.ts';
import { groupSetsRoutes } from './groups/group-sets.routes.ts';
import { createGroupSetsService } from './groups/group-sets.service.ts';
import { createSettingsService } from './reports/settings.service.ts';
import { requestLogValue } from './calendar/calendar.log.ts';
import { calendarRoutes } from './calendar/calendar.routes.ts';
import { createCalendarService } from './calendar/calendar.service.ts';
import { seriesRoutes } from './sessions/series.routes.ts';
import { createSeriesService } from './sessions/series.service.ts';
// Issue 16, part 2 (webhooks)
import { sessionWebhooks } from './sessions/session-webhooks.ts';
import { enqueueWebhookEvent } from './webhooks/outbox.ts';
import { createWebhookWorker } from './webhooks/webhook-worker.ts';
import { webhooksRoutes } from './webhooks/webhooks.routes.ts';
import { createWebhooksService } from './webhooks/webhooks.service.ts';
import { activeSigningKey } from './lti/lti.keys.ts';
import { createServiceTokens } from './lti/lti.service-token.ts';
import { createRosterSync } from './lti/lti.nrps.service.ts';
import { rosterSyncRoutes } from './lti/lti.nrps.routes.ts';
import { createGradeWorker } from './lti/lti.ags.worker.ts';
import { createGradesService } from './lti/lti.ags.service.ts';
import { gradesRoutes } from './lti/lti.ags.routes.ts';
// LTI 1.3 (issue 16)
import { createLti, type LtiOptions } from './lti/lti.ts';
import { ownTokenKeys } from './lti/lti.tokens.ts';

export const VERSION = '0.1.0';

/** Log options shared by the server and tests: tokens and cookies never reach a log line. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', 'token'], censor: '[redacted]' },
    // Nor does a calendar feed's secret, which is its URL (issue 16).
    serializers: { req: requestLogValue },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every client → server socket event, as registered at start. */
    clientEvents: readonly string[];
  }
}

export interface AppDeps {
  db: Db;
  /** Override the logger (tests pass `false`). */
  logger?: FastifyServerOptions['logger'];
  /** The LTI tool's hooks and knobs (tests: their mock LMS). */
  lti?: LtiOptions;
}

/** Builds the service without listening: tests call `app.inject()`, server.ts calls `listen()`. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config.logLevel),
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    routerOptions: { maxParamLength: 200 },
    requestTimeout: 30_000,
    frameworkErrors,
    // refuseWhileClosing answers instead, in the API's error shape.
    return503OnClosing: false,
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const { db } = deps;
  const outage = createOutageLog(db, app.log);
  refuseWhileClosing(app, outage);
  registerErrorHandling(app, outage);
  registerJsonParser(app);
  registerSecurityHeaders(app, { hstsMaxAge: config.hstsMaxAge });
  // Off unless METRICS_TOKEN or METRICS_PORT is set: then nothing is counted either.
  const metrics = config.metrics ? createMetrics(app.log, { defaults: true }) : undefined;
  if (metrics && config.metrics) registerMetrics(app, metrics, config.metrics, config.host);

  const services = await createServices(app, config, db, outage, metrics, deps.lti);
  app.decorate('clientEvents', services.clientEvents);

  await app.register(cors, { origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  await registerOpenApi(app, VERSION);
  registerAuth(app, services);
  await registerRateLimit(app, config, services.audit, services.cluster, metrics && (() => metrics.refused('rest')));

  await app.register(healthRoutes(db, outage));
  await registerWebApp(app, config.corsOrigins);
  await app.register(sessionsRoutes(services.sessions));
  await app.register(joinLinkRoutes(db));
  await app.register(announcementRoutes(services.sessions));
  await app.register(attendanceRoutes(services.attendance));
  await app.register(meetingsRoutes(services.meetings));
  await app.register(meetSyncRoutes(services.meetSync));
  await app.register(eventsRoutes(services.events));
  for (const feature of services.features) await app.register(feature.routes);
  await app.register(coursesRoutes(services.courses, config.bodyLimit));
  await app.register(auditRoutes(services.audit));
  await app.register(settingsRoutes(services.settings));
  await app.register(moderationRoutes(createModerationService(db, services.audit)));
  await app.register(groupSetsRoutes(createGroupSetsService(db, services.audit), config.bodyLimit));
  await app.register(reportsRoutes(services.reports));
  // Issue 16: recurring classes and calendar feeds.
  await app.register(
    seriesRoutes(
      createSeriesService({ db, audit: services.audit, loadSession: services.loadSession, sessions: services.sessions, log: app.log }),
    ),
  );
  await app.register(calendarRoutes(createCalendarService(db, services.audit, services.budgets), config));
  await app.register(webhooksRoutes(services.webhooks));
  await app.register(rosterSyncRoutes(services.rosterSync));
  await app.register(gradesRoutes(services.grades));
  await services.lti.register(app);
  if (config.demo && config.auth.kind === 'secret') await app.register(demoRoutes(createDemoService(db, config.auth)));
  return app;
}

/**
 * The service layer and the real-time classroom on the app's HTTP server: one instance of each service, shared by
 * REST routes and socket handlers. Also restores what a stopped process owed (presence grace, pending broadcasts)
 * and closes it all before the app closes.
 */
async function createServices(app: FastifyInstance, config: Config, db: Db, outage: OutageLog, metrics?: Metrics, ltiOptions?: LtiOptions) {
  const audit = createAuditService(db);
  // Tokens signed by our own LTI keys (after a launch) are accepted besides the configured ones.
  const verify = createTokenVerifier(config.auth, ownTokenKeys(db, config.publicUrl));
  const recordUser = createUserRecorder(db, metrics?.batches('users'));
  const cluster = config.cluster ? await joinCluster(config.cluster, app.log) : undefined;
  const budgets = cluster?.budgets ?? localBudgets;
  const failures = budgets('auth-failures', config.rateLimit.max, config.rateLimit.windowMs);
  const io = createRealtimeServer(app.server, { config, verify, recordUser, audit, failures, log: app.log, outage });
  cluster?.attach(io);
  const drain = createSocketDrain(io);
  const channels = createChannels(io, db, app.log, undefined, metrics?.fanout);
  const courseRooms = createCourseRooms(io, db, app.log);
  metrics?.watch({ io, pool: () => poolStats(db), meetingJobs: () => countJobsByState(db) });
  // Committed events go to this node's rooms and to every other node's; each node emits them in seq order.
  const publish = (sessionId: string, events: StoredEvent[]) => {
    metrics?.appended(events);
    channels.publish(sessionId, events);
    cluster?.tell('sp:events', sessionId, events);
    // Only here, on the node that made the change: the course rooms reach every node through the adapter.
    if (events.some((e) => e.event === 'session:updated')) courseRooms.changed(sessionId);
  };
  const loadSession = createSessionLoader(db, audit);
  const limits = createActionLimits(config.realtime.perMinute, budgets, {
    audit,
    log: app.log,
    onRefused: metrics && ((action) => metrics.refused(action)),
  });
  const observeBatches = metrics && ((name: string) => metrics.batches(name));
  const classDeps: ClassDeps = { db, audit, loadSession, publish, limits, log: app.log, observeBatches };
  const presence = createPresence(classDeps, config.realtime.presenceGraceMs, cluster?.presence);
  const toManagers = (sessionId: string, notice: { pollId: string; total: number }) =>
    io.to(managersRoom(sessionId)).emit('poll:count', notice);
  const hands = createHandsFeature(classDeps);
  // Bursts are not logged events: they ride with this node's room fan-out, and are told to the other nodes for theirs.
  const sendBurst = (burst: ReactionBurst) => channels.notify(burst.sessionId, { event: 'reaction:burst', payload: burst });
  const reactions = createReactionsFeature(classDeps, (burst) => {
    sendBurst(burst);
    cluster?.tell('sp:reaction-burst', burst);
  });
  const features: ClassFeature[] = [
    createPollsFeature(classDeps, toManagers),
    createChatFeature(classDeps),
    createQaFeature(classDeps),
    hands,
    reactions,
  ];
  const providers = await createMeetingProviders(config.meetings);
  const google = config.meetings.google;
  // Loaded on demand: the Meet client pulls in Google's libraries, dead weight in memory without Google.
  const meetClient = google?.meetAttendance.enabled ? (await import('./meetings/meet-client.ts')).createMeetClient(google) : undefined;
  const sync = createMeetSync({ db, config: config.meetings, client: meetClient, log: app.log, kick: () => worker.kick() });
  const worker = createMeetingWorker({
    db,
    publish,
    providers,
    config: config.meetings,
    log: app.log,
    sync,
    onRoomLink: (trx, room) => breakouts.roomLinkSettled(trx, room),
  });
  const meetings = createMeetingsService({ ...classDeps, config: config.meetings, providers, kick: worker.kick });
  const meetSync = createMeetSyncService({ db, audit, loadSession, sync, kick: worker.kick });
  // Filled below, once every feature exists: a breakout room ends through the same hooks as any class.
  const onClassEnd: ClassEndHook[] = [closeAttendanceAtClassEnd];
  const onSessionChange: SessionChangeHook[] = [meetings.onSessionChange, sync.onSessionChange, sessionWebhooks(config.publicUrl)];
  const breakouts = createBreakoutsFeature({
    ...classDeps,
    meetings,
    lifecycle: { onClassEnd, onSessionChange },
    removeFromSession: (sessionId, userId, reason) => {
      cluster?.tell('sp:session-removed', sessionId, userId, reason);
      removeFromSessionHere(sessionId, userId, reason);
    },
  });
  features.push(breakouts);
  onClassEnd.push(...features.flatMap((f) => (f.onClassEnd ? [f.onClassEnd] : [])));
  const sessions = createSessionsService({ ...classDeps, meetings, onCreated: courseRooms.announce, onSessionChange, onClassEnd });
  const removeFromSessionHere = (sessionId: string, userId: string, reason: string) =>
    handlePromiseError(
      removeFromSession(io, presence, channels, sessionId, userId, reason),
      app.log,
      'removing a user from a session room failed',
      {
        sessionId,
        userId,
      },
    );
  const removeFromRooms = (courseId: string, userId: string) => {
    courseRooms.removed(courseId, userId);
    return removeFromCourseRooms(io, presence, channels, courseId, userId);
  };
  const rolesChanged = (courseId: string, userIds: string[]) =>
    handlePromiseError(courseRooms.rolesChanged(courseId, userIds), app.log, 'moving mentors between course rooms failed', { courseId });
  // Retried inside until it is done; it never rejects, but the rule is that no promise goes unhandled.
  const lowerHandsOfRemoved = (courseId: string, userId: string) =>
    handlePromiseError(hands.onRosterRemoved(courseId, userId), app.log, 'lowering the hands of a removed member failed', {
      courseId,
      userId,
    });
  const membersChanged = (courseId: string, userIds: string[]) => {
    cluster?.tell('sp:roster-changed', courseId, userIds);
    rolesChanged(courseId, userIds);
  };
  const courses = createCoursesService(
    db,
    audit,
    (courseId, userId) => {
      cluster?.tell('sp:roster-removed', courseId, userId);
      // Committed in the database, so done once for the cluster (here), not by every node.
      lowerHandsOfRemoved(courseId, userId);
      return removeFromRooms(courseId, userId);
    },
    membersChanged,
  );
  const lti = createLti(
    { db, audit, log: app.log, publicUrl: config.publicUrl, verifyToken: verify, onRosterChanged: membersChanged },
    {
      ...ltiOptions,
      // A launch brings the rest of the class's roster from the LMS (NRPS, at most every few minutes per course).
      onLaunched: (launch) => {
        rosterSync.syncRosterOnLaunch(launch.courseId);
        ltiOptions?.onLaunched?.(launch);
      },
    },
  );
  if (cluster) {
    // As on the node that made the change: caches forget first, then the room hears.
    cluster.on('sp:events', (sessionId: string, events: StoredEvent[]) => {
      if (events.some((e) => e.event === 'session:updated')) invalidateSession(sessionId);
      // Someone's breakout room may have changed, or a round opened or closed: read again.
      if (events.some((e) => e.event.startsWith('breakout:'))) invalidateBreakoutCaches();
      channels.publish(sessionId, events);
    });
    cluster.on('sp:reaction-burst', sendBurst);
    cluster.on('sp:session-removed', removeFromSessionHere);
    cluster.on('sp:roster-changed', (courseId: string, userIds: string[]) => {
      for (const userId of userIds) invalidateMembership(courseId, userId);
      rolesChanged(courseId, userIds);
    });
    cluster.on('sp:roster-removed', (courseId: string, userId: string) => {
      invalidateMembership(courseId, userId);
      handlePromiseError(removeFromRooms(courseId, userId), app.log, 'removing a user from their course rooms failed', {
        courseId,
        userId,
      });
    });
    // Independent heals: one failing (Redis not quite back) must not keep the others from running.
    cluster.heal(() => resyncChannels(io, db, channels).then(() => {}));
    cluster.heal(() => presence.refreshMirror());
    cluster.heal(() => dropRemovedMembers(io, db, removeFromRooms).then(() => {}), { afterOutage: true });
    let heals = 0;
    // Segments a dead node left open are adopted now and then (they outlive its mirror by its TTL).
    cluster.heal(async () => void (++heals % 6 === 0 && (await presence.recover())));
  }

  // The event table is built once; a connecting socket (5,000 in a join storm) only gets its listeners.
  const socketEvents = createSocketEvents(app.log, outage, drain.work);
  const shapeReplay = composeReplayShapers(features);
  const events = createEventsService(db, loadSession, shapeReplay);
  const leaveOnDisconnect = registerSessionSocket(socketEvents.on, {
    loadSession,
    limits,
    sessions,
    presence,
    channels,
    meetings,
    events,
    shapeReplay,
    onJoined: breakouts.onJoined,
  });
  for (const feature of features) feature.registerSocket(socketEvents.on);
  registerCourseSocket(socketEvents.on, { db, audit, limits });
  const attendance = createAttendanceService(db, audit, loadSession, meetings.linkFor, breakouts.onJoined);
  registerAttendanceSocket(socketEvents.on, attendance, limits);
  io.on('connection', (socket) => {
    socket.join(`user:${(socket.data.actor as Actor).id}`);
    socketEvents.attach(socket);
    socket.on('disconnect', leaveOnDisconnect);
  });
  await presence.recover();
  for (const feature of features) await feature.recover?.();
  worker.start();
  const webhookWorker = createWebhookWorker(db, config.webhooks, app.log);
  webhookWorker.start();
  const retention = startEventRetention(db, { retentionDays: config.eventRetentionDays, log: app.log });
  app.addHook('preClose', async () => {
    // Take no new work, and let what was taken commit and be acked before any socket closes (half the deadline:
    // an ack that never comes must not use all of it).
    const { unanswered } = await drain.settle(config.shutdownTimeoutMs / 2);
    if (unanswered > 0) app.log.warn({ unanswered }, 'closing with client events still unanswered');
    await retention.stop();
    lti.stop();
    // No heal may write this node's presence back once it has left the mirror (it would look present elsewhere until
    // its entries expire): they stop first, and one under way is waited for.
    await cluster?.quiesce(config.shutdownTimeoutMs / 4);
    await presence.leaveMirror();
    presence.stop();
    await worker.stop();
    await webhookWorker.stop();
    await Promise.all(features.map((feature) => feature.stop?.()));
    channels.closeAll();
    await drain.closeSockets(1000);
    io.engine.close();
    await cluster?.close();
  });

  // LTI Advantage services (issue 16): service tokens signed with the tool's key, roster sync (NRPS).
  const ltiTokens = createServiceTokens({ signingKey: () => activeSigningKey(db) });
  const rosterSync = createRosterSync({ db, audit, courses, tokens: ltiTokens, log: app.log });
  // Grades (AGS): owed in the class end's transaction, sent by a worker with leases and retries.
  const gradeWorker = createGradeWorker({
    db,
    tokens: ltiTokens,
    log: app.log,
    retry: config.ltiGradeRetry,
    // Committed with the publication's "sent": a receiver hears of exactly the grades the LMS took.
    onSent: async (trx, pub, result) => {
      const grade = {
        kind: pub.kind,
        mode: pub.mode,
        lineItemUrl: result.lineItemUrl,
        scoresSent: result.scoresSent,
        refused: result.refused,
        unmatched: result.unmatched,
      };
      await enqueueWebhookEvent(trx, 'grade.published', {
        courseId: pub.course_id,
        sessionId: pub.session_id,
        publicationId: pub.id,
        grade,
      });
    },
  });
  const grades = createGradesService({ db, audit, loadSession, kick: gradeWorker.kick });
  onClassEnd.push(grades.onClassEnd);
  gradeWorker.start();
  app.addHook('preClose', async () => {
    await gradeWorker.stop();
    await rosterSync.settle();
  });

  const clientEvents = socketEvents.names();
  const settings = createSettingsService(db, audit);
  const reports = createReportsService(db, audit, loadSession);
  const webhooks = createWebhooksService(db, audit, {
    allowPrivateNetworks: config.webhooks.allowPrivateNetworks,
    kick: webhookWorker.kick,
  });
  return {
    webhooks,
    reports,
    rosterSync,
    grades,
    audit,
    verify,
    recordUser,
    failures,
    sessions,
    meetings,
    meetSync,
    courses,
    attendance,
    events,
    settings,
    features,
    cluster,
    clientEvents,
    // Issue 16 (series and calendar feeds).
    loadSession,
    budgets,
    lti,
  };
}
