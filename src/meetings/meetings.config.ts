import { z } from 'zod';

export const providerNames = ['google', 'jitsi', 'manual'] as const;
export type ProviderName = (typeof providerNames)[number];

const intFromEnv = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

/** The meeting-link variables; config.ts merges them into the one environment schema. */
export const meetingEnv = {
  MEETING_PROVIDER: z.enum(providerNames).default('jitsi'),
  MEETING_PROVIDERS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(providerNames)).min(1))
    .optional(),
  MEETING_RETRY_BASE_MS: intFromEnv(10, 600_000).default(5_000),
  MEETING_RETRY_MAX_MS: intFromEnv(10, 3_600_000).default(300_000),
  MEETING_MAX_ATTEMPTS: intFromEnv(1, 100).default(8),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  GOOGLE_REDIRECT_URI: z.url().optional(),
  GOOGLE_REFRESH_TOKEN: z.string().min(1).optional(),
  GOOGLE_SERVICE_ACCOUNT_KEY_FILE: z.string().min(1).optional(),
  GOOGLE_IMPERSONATE_USER: z.email().optional(),
  GOOGLE_CALENDAR_ID: z.string().min(1).max(1024).default('primary'),
  GOOGLE_INVITE_ROSTER: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .default(false),
  GOOGLE_API_ROOT_URL: z.url({ protocol: /^https?$/ }).default('https://www.googleapis.com/'),
  GOOGLE_TOKEN_URL: z.url({ protocol: /^https?$/ }).default('https://oauth2.googleapis.com/token'),
  GOOGLE_MEET_ATTENDANCE: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .default(true),
  GOOGLE_MEET_API_ROOT_URL: z.url({ protocol: /^https?$/ }).default('https://meet.googleapis.com/'),
  GOOGLE_PEOPLE_API_ROOT_URL: z.url({ protocol: /^https?$/ }).default('https://people.googleapis.com/'),
  JITSI_BASE_URL: z.url({ protocol: /^https$/ }).default('https://meet.jit.si'),
  JITSI_APP_ID: z.string().min(1).max(200).optional(),
  JITSI_APP_SECRET: z
    .string()
    .refine((s) => Buffer.byteLength(s) >= 32, 'must be at least 32 bytes')
    .optional(),
};

const meetingEnvSchema = z.object(meetingEnv);
type MeetingEnv = z.output<typeof meetingEnvSchema>;

export type GoogleAuthConfig =
  | { kind: 'oauth'; clientId: string; clientSecret: string; refreshToken: string }
  | { kind: 'service-account'; keyFile: string; subject: string };

export interface GoogleConfig {
  auth: GoogleAuthConfig;
  calendarId: string;
  apiRootUrl: string;
  tokenUrl: string;
  /** Add the course roster's email addresses as attendees (Google emails them invitations). */
  inviteRoster: boolean;
  /** Reading who was in the Meet after each class (Meet REST API v2, emails through the People API); off: never asked. */
  meetAttendance: { enabled: boolean; meetApiRootUrl: string; peopleApiRootUrl: string };
}

export interface MeetingConfig {
  defaultProvider: ProviderName;
  /** Providers a mentor may pick per session. */
  providers: ProviderName[];
  jitsi: { baseUrl: string; app?: { id: string; secret: Uint8Array } };
  google?: GoogleConfig;
  /** Backoff for provider calls: base doubles per attempt up to max; `maxAttempts` then fails the link. */
  retry: { baseMs: number; maxMs: number; maxAttempts: number };
}

/** Cross-field rules; returns the problem as a message (config.ts wraps it in a ConfigError) or the config. */
export function meetingConfigFrom(e: MeetingEnv): MeetingConfig | string {
  const providers = [...new Set(e.MEETING_PROVIDERS ?? [e.MEETING_PROVIDER, 'manual' as const])];
  if (!providers.includes(e.MEETING_PROVIDER)) return 'MEETING_PROVIDERS must include MEETING_PROVIDER';
  if (Boolean(e.JITSI_APP_ID) !== Boolean(e.JITSI_APP_SECRET)) return 'set both JITSI_APP_ID and JITSI_APP_SECRET, or neither';
  let google: GoogleConfig | undefined;
  if (providers.includes('google')) {
    const auth = googleAuthFrom(e);
    if (typeof auth === 'string') return auth;
    google = {
      auth,
      calendarId: e.GOOGLE_CALENDAR_ID,
      apiRootUrl: e.GOOGLE_API_ROOT_URL,
      tokenUrl: e.GOOGLE_TOKEN_URL,
      inviteRoster: e.GOOGLE_INVITE_ROSTER,
      meetAttendance: {
        enabled: e.GOOGLE_MEET_ATTENDANCE,
        meetApiRootUrl: e.GOOGLE_MEET_API_ROOT_URL,
        peopleApiRootUrl: e.GOOGLE_PEOPLE_API_ROOT_URL,
      },
    };
  }
  return {
    defaultProvider: e.MEETING_PROVIDER,
    providers,
    jitsi: {
      baseUrl: e.JITSI_BASE_URL.replace(/\/+$/, ''),
      ...(e.JITSI_APP_ID && e.JITSI_APP_SECRET && { app: { id: e.JITSI_APP_ID, secret: new TextEncoder().encode(e.JITSI_APP_SECRET) } }),
    },
    google,
    retry: {
      baseMs: e.MEETING_RETRY_BASE_MS,
      maxMs: Math.max(e.MEETING_RETRY_MAX_MS, e.MEETING_RETRY_BASE_MS),
      maxAttempts: e.MEETING_MAX_ATTEMPTS,
    },
  };
}

function googleAuthFrom(e: MeetingEnv): GoogleAuthConfig | string {
  const oauth = [e.GOOGLE_CLIENT_ID, e.GOOGLE_CLIENT_SECRET, e.GOOGLE_REFRESH_TOKEN];
  const account = [e.GOOGLE_SERVICE_ACCOUNT_KEY_FILE, e.GOOGLE_IMPERSONATE_USER];
  const hasOauth = oauth.some(Boolean);
  const hasAccount = account.some(Boolean);
  if (hasOauth && hasAccount) return 'set either the GOOGLE_CLIENT_* OAuth variables or GOOGLE_SERVICE_ACCOUNT_KEY_FILE, not both';
  if (hasAccount && e.GOOGLE_SERVICE_ACCOUNT_KEY_FILE && e.GOOGLE_IMPERSONATE_USER) {
    return { kind: 'service-account', keyFile: e.GOOGLE_SERVICE_ACCOUNT_KEY_FILE, subject: e.GOOGLE_IMPERSONATE_USER };
  }
  if (hasOauth && e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET && e.GOOGLE_REFRESH_TOKEN) {
    return { kind: 'oauth', clientId: e.GOOGLE_CLIENT_ID, clientSecret: e.GOOGLE_CLIENT_SECRET, refreshToken: e.GOOGLE_REFRESH_TOKEN };
  }
  return 'the google meeting provider needs GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REFRESH_TOKEN (see npm run google:auth), or GOOGLE_SERVICE_ACCOUNT_KEY_FILE and GOOGLE_IMPERSONATE_USER';
}
