import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { attendanceRoutes } from './attendance/attendance.routes.ts';
import { createAttendanceService } from './attendance/attendance.service.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { createAuditService } from './audit/audit.service.ts';
import { createTokenVerifier } from './auth/tokens.ts';
import type { Config } from './config.ts';
import { coursesRoutes } from './courses/courses.routes.ts';
import { createCoursesService } from './courses/courses.service.ts';
import type { Db } from './db/kysely.ts';
import { demoRoutes } from './demo/demo.routes.ts';
import { createDemoService } from './demo/demo.service.ts';
import { registerAuth } from './http/auth.ts';
import { createWindowLimiter } from './http/window-limiter.ts';
import { clientErrorHandler, frameworkErrors, registerErrorHandling, registerJsonParser } from './http/errors.ts';
import { healthRoutes } from './http/health.ts';
import { registerOpenApi } from './http/openapi.ts';
import { registerRateLimit } from './http/rate-limit.ts';
import { createMeetingLinkFactory } from './meetings/meetings.service.ts';
import { createSessionLoader } from './sessions/session-access.ts';
import { sessionsRoutes } from './sessions/sessions.routes.ts';
import { createSessionsService } from './sessions/sessions.service.ts';

export const VERSION = '0.1.0';

/** Log options shared by the server and tests: tokens and cookies never reach a log line. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.token', 'token'], censor: '[redacted]' },
  };
}

export interface AppDeps {
  db: Db;
  /** Override the logger (tests pass `false`). */
  logger?: FastifyServerOptions['logger'];
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
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerJsonParser(app);

  const { db } = deps;
  const audit = createAuditService(db);
  const loadSession = createSessionLoader(db, audit);
  const sessions = createSessionsService({
    db,
    audit,
    loadSession,
    createMeetingLink: createMeetingLinkFactory(config.jitsiBaseUrl),
  });
  const courses = createCoursesService(db, audit);
  const attendance = createAttendanceService(db, audit, loadSession);

  await app.register(cors, { origin: config.corsOrigins.length > 0 ? config.corsOrigins : false });
  await registerOpenApi(app, VERSION);
  const failures = createWindowLimiter(config.rateLimit.max, config.rateLimit.windowMs);
  registerAuth(app, { db, verify: createTokenVerifier(config.auth), audit, failures });
  await registerRateLimit(app, config, audit);

  await app.register(healthRoutes(db));
  await app.register(sessionsRoutes(sessions));
  await app.register(attendanceRoutes(attendance));
  await app.register(coursesRoutes(courses, config.bodyLimit));
  await app.register(auditRoutes(audit));
  if (config.demo && config.auth.kind === 'secret') await app.register(demoRoutes(createDemoService(db, config.auth)));
  return app;
}
