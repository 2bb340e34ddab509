import { z } from 'zod';
import { type MeetingConfig, meetingConfigFrom, meetingEnv } from './meetings/meetings.config.ts';
import { type WebhookConfig, webhookConfigFrom, webhookEnv } from './webhooks/webhooks.config.ts';

const boolFromEnv = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const intFromEnv = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

/** Every environment variable the service reads; README's configuration table mirrors this schema. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: intFromEnv(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  CLUSTER_RESYNC_MS: intFromEnv(100, 600_000).default(5000),
  JWT_SECRET: z
    .string()
    .refine((s) => Buffer.byteLength(s) >= 32, 'must be at least 32 bytes')
    .optional(),
  JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  DEMO_MODE: boolFromEnv.optional(),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .url({ protocol: /^https?$/ })
          .refine(
            (u) => !URL.canParse(u) || new URL(u).origin === u,
            'must be an origin (scheme://host[:port]) with no path or trailing slash',
          ),
      ),
    ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_MAX: intFromEnv(1, 1_000_000).default(300),
  RATE_LIMIT_WINDOW_MS: intFromEnv(1000, 86_400_000).default(60_000),
  BODY_LIMIT_BYTES: intFromEnv(1024, 10 * 1024 * 1024).default(100 * 1024),
  TRUST_PROXY: boolFromEnv.default(false),
  /** Strict-Transport-Security max-age in seconds; 0 (the default) sends no HSTS header. Set it only behind TLS. */
  HSTS_MAX_AGE: intFromEnv(0, 2 * 365 * 86_400).default(0),
  /** Where people and other systems reach the service (links in calendar feeds, LTI and webhook payloads). */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .refine(
      (u) => !URL.canParse(u) || `${new URL(u).origin}/`.startsWith(u.replace(/\/?$/, '/')),
      'must be an origin (scheme://host[:port]) with no path',
    )
    .transform((u) => new URL(u).origin)
    .optional(),
  // LTI grades (issue 16): how publications to the LMS gradebook are retried.
  LTI_GRADE_RETRY_BASE_MS: intFromEnv(10, 3_600_000).default(30_000),
  LTI_GRADE_RETRY_MAX_MS: intFromEnv(10, 86_400_000).default(3_600_000),
  LTI_GRADE_MAX_ATTEMPTS: intFromEnv(1, 100).default(8),
  PRESENCE_GRACE_MS: intFromEnv(0, 300_000).default(10_000),
  SOCKET_MAX_MESSAGE_BYTES: intFromEnv(1024, 1024 * 1024).default(16 * 1024),
  CHAT_RATE_PER_MIN: intFromEnv(1, 10_000).default(30),
  QA_RATE_PER_MIN: intFromEnv(1, 10_000).default(10),
  UPVOTE_RATE_PER_MIN: intFromEnv(1, 10_000).default(60),
  VOTE_RATE_PER_MIN: intFromEnv(1, 10_000).default(30),
  METRICS_TOKEN: z
    .string()
    .refine((s) => Buffer.byteLength(s) >= 16, 'must be at least 16 bytes')
    .optional(),
  METRICS_PORT: intFromEnv(0, 65535).optional(),
  EVENT_RETENTION_DAYS: intFromEnv(0, 36_500).default(30),
  SHUTDOWN_TIMEOUT_MS: intFromEnv(100, 600_000).default(10_000),
  ...meetingEnv,
  ...webhookEnv,
});

export type AuthConfig =
  | { kind: 'secret'; secret: Uint8Array; issuer?: string; audience?: string }
  | { kind: 'jwks'; jwksUrl: URL; issuer?: string; audience?: string };

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /**
   * Several nodes share classes through Redis: the Socket.IO adapter, committed events, rate limits and presence.
   * `resyncMs` bounds how late an event that Redis lost reaches another node's sockets (it is read from the log).
   */
  cluster?: { redisUrl: string; resyncMs: number };
  auth: AuthConfig;
  /** Demo mode: a seeded demo course and a sign-in endpoint that mints tokens for its users. */
  demo: boolean;
  corsOrigins: string[];
  logLevel: string;
  rateLimit: { max: number; windowMs: number };
  bodyLimit: number;
  trustProxy: boolean;
  /** Strict-Transport-Security max-age in seconds; 0 = no HSTS header. */
  hstsMaxAge: number;
  /**
   * The service's public origin (`PUBLIC_URL`, no trailing slash). Absent: features that need an absolute URL derive it
   * from the request (its Host, and X-Forwarded-* under TRUST_PROXY).
   */
  publicUrl?: string;
  meetings: MeetingConfig;
  /** Signed webhooks: SSRF override, timeouts and retry backoff (src/webhooks/webhooks.config.ts). */
  webhooks: WebhookConfig;
  /** LTI grade publication retries: first wait, longest wait, attempts before a class's grades are marked failed. */
  ltiGradeRetry: { baseMs: number; maxMs: number; maxAttempts: number };
  /**
   * Prometheus metrics at `/metrics`: on the main port behind `Authorization: Bearer <token>`, or on `port` (on the
   * same host) instead, also behind the token when one is set. Absent: no /metrics at all.
   */
  metrics?: { token?: string; port?: number };
  realtime: {
    /** How long a user may be disconnected before their attendance segment closes. */
    presenceGraceMs: number;
    maxMessageBytes: number;
    /** Per-user actions per minute over Socket.IO and REST alike. */
    perMinute: { chat: number; question: number; upvote: number; vote: number };
  };
  /** Days after a class ends that its event log is kept (replay and GET …/events); 0 keeps it forever. */
  eventRetentionDays: number;
  /** How long a graceful shutdown may take before the process exits anyway (non-zero). */
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment once. Throws ConfigError naming the variable when a value is invalid or when a
 * production start lacks JWT settings. `demoSecret` supplies the signing key demo mode uses, given DATA_DIR.
 */
export function loadConfig(env: NodeJS.ProcessEnv, demoSecret?: (dataDir: string) => Uint8Array): Config {
  const parsed = envSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (e.JWT_SECRET && e.JWT_JWKS_URL) {
    throw new ConfigError('Invalid configuration: set either JWT_SECRET or JWT_JWKS_URL, not both');
  }
  const hasJwt = Boolean(e.JWT_SECRET || e.JWT_JWKS_URL);
  // A real PostgreSQL database never gets the demo course and public sign-in unless asked for by name.
  const demo = e.DEMO_MODE ?? (!hasJwt && !production && !e.DATABASE_URL);
  if (production && !hasJwt) {
    throw new ConfigError('Invalid configuration: NODE_ENV=production requires JWT_SECRET or JWT_JWKS_URL');
  }
  if (production && demo) throw new ConfigError('Invalid configuration: DEMO_MODE cannot be enabled in production');
  if (!hasJwt && !demo) throw new ConfigError('Invalid configuration: set JWT_SECRET or JWT_JWKS_URL (or DEMO_MODE=true)');
  // Demo sign-in mints admin tokens: it must never sign with a key real LMS tokens are checked against.
  if (demo && hasJwt) {
    throw new ConfigError('Invalid configuration: DEMO_MODE signs tokens with its own key; unset JWT_SECRET and JWT_JWKS_URL');
  }
  // PGlite lives in one process's data folder: a second node would be a second, diverging database.
  if (e.REDIS_URL && !e.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration: REDIS_URL runs several nodes, and the embedded PGlite database is single-node; set DATABASE_URL to a PostgreSQL database shared by every node',
    );
  }
  const claims = { issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE };
  let auth: AuthConfig;
  if (e.JWT_JWKS_URL) auth = { kind: 'jwks', jwksUrl: new URL(e.JWT_JWKS_URL), ...claims };
  else if (e.JWT_SECRET) auth = { kind: 'secret', secret: new TextEncoder().encode(e.JWT_SECRET), ...claims };
  else if (demoSecret) auth = { kind: 'secret', secret: demoSecret(e.DATA_DIR), ...claims };
  else throw new ConfigError('Invalid configuration: demo mode needs a signing secret');
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) {
    throw new ConfigError('Invalid configuration: METRICS_PORT must differ from PORT');
  }
  const meetings = meetingConfigFrom(e);
  if (typeof meetings === 'string') throw new ConfigError(`Invalid configuration: ${meetings}`);

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    cluster: e.REDIS_URL ? { redisUrl: e.REDIS_URL, resyncMs: e.CLUSTER_RESYNC_MS } : undefined,
    auth,
    demo,
    corsOrigins: e.CORS_ORIGINS,
    logLevel: e.LOG_LEVEL,
    rateLimit: { max: e.RATE_LIMIT_MAX, windowMs: e.RATE_LIMIT_WINDOW_MS },
    bodyLimit: e.BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY,
    hstsMaxAge: e.HSTS_MAX_AGE,
    publicUrl: e.PUBLIC_URL,
    meetings,
    webhooks: webhookConfigFrom(e),
    ltiGradeRetry: {
      baseMs: e.LTI_GRADE_RETRY_BASE_MS,
      maxMs: Math.max(e.LTI_GRADE_RETRY_MAX_MS, e.LTI_GRADE_RETRY_BASE_MS),
      maxAttempts: e.LTI_GRADE_MAX_ATTEMPTS,
    },
    metrics: e.METRICS_TOKEN || e.METRICS_PORT !== undefined ? { token: e.METRICS_TOKEN, port: e.METRICS_PORT } : undefined,
    realtime: {
      presenceGraceMs: e.PRESENCE_GRACE_MS,
      maxMessageBytes: e.SOCKET_MAX_MESSAGE_BYTES,
      perMinute: { chat: e.CHAT_RATE_PER_MIN, question: e.QA_RATE_PER_MIN, upvote: e.UPVOTE_RATE_PER_MIN, vote: e.VOTE_RATE_PER_MIN },
    },
    eventRetentionDays: e.EVENT_RETENTION_DAYS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  };
}

/** An empty variable (`PORT=`) means "unset", as shells and .env files commonly produce. */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/** For processes and scripts: the config, or the message naming the bad variable and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv, demoSecret?: (dataDir: string) => Uint8Array): Config {
  try {
    return loadConfig(env, demoSecret);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(78);
  }
}
