/**
 * The one-time OAuth consent behind `npm run google:auth`: an operator opens a consent URL as the Google account whose
 * calendar will own the class events, pastes back what the browser landed on, and gets the refresh token the service
 * then uses to create Google Meet links. Nothing here runs inside the service itself.
 */
import { OAuth2Client } from 'google-auth-library';
import { DIRECTORY_READ_SCOPE, MEET_READ_SCOPE } from './meet-errors.ts';

/** Enough to create events with conference data on a calendar, and nothing more (no reading other calendars). */
export const CALENDAR_EVENTS_SCOPE = 'https://www.googleapis.com/auth/calendar.events';

export interface ConsentOptions {
  clientId: string;
  clientSecret: string;
  /** Must be one of the OAuth client's authorized redirect URIs; Google compares it byte for byte. */
  redirectUri: string;
  /** Token endpoint override (GOOGLE_TOKEN_URL): a proxy, or a fake in tests. Default: Google's own. */
  tokenUrl?: string;
  /**
   * Also ask to read Meet conference records and directory emails, for attendance after each class
   * (GOOGLE_MEET_ATTENDANCE, on unless `false`).
   */
  meetAttendance?: boolean;
}

function oauthClient(opts: ConsentOptions): OAuth2Client {
  return new OAuth2Client({
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    redirectUri: opts.redirectUri,
    ...(opts.tokenUrl ? { endpoints: { oauth2TokenUrl: opts.tokenUrl } } : {}),
  });
}

/**
 * The URL the operator opens to grant calendar access. `access_type=offline` asks for a refresh token, and
 * `prompt=consent` makes Google return one even when this account already granted access before.
 */
export function consentUrl(opts: ConsentOptions): string {
  const scope = [CALENDAR_EVENTS_SCOPE, ...(opts.meetAttendance === false ? [] : [MEET_READ_SCOPE, DIRECTORY_READ_SCOPE])];
  return oauthClient(opts).generateAuthUrl({ access_type: 'offline', prompt: 'consent', scope });
}

/**
 * Takes what the operator pasted, either the bare authorization code or the whole URL the browser was redirected to
 * (or just its query string), and returns the code. Throws when Google redirected with `error=` instead.
 */
export function authorizationCodeFrom(input: string): string {
  const text = input.trim();
  if (!text) throw new Error('No authorization code given: paste the code, or the whole URL the browser was redirected to');
  const query = queryOf(text);
  if (!query) return decodeBareCode(text);
  const error = query.get('error');
  if (error) {
    const description = query.get('error_description');
    const hint = error === 'access_denied' ? ': access was refused or the consent was cancelled. Run again and allow access' : '';
    throw new Error(`Google redirected with error=${error}${description ? ` (${description})` : ''} instead of a code${hint}`);
  }
  const code = query.get('code');
  if (!code) throw new Error('The pasted URL has no code parameter: copy the whole address the browser landed on after consent');
  return code;
}

/** The query parameters when the text is a URL or a query string; undefined when it looks like a bare code. */
function queryOf(text: string): URLSearchParams | undefined {
  if (/^https?:\/\//i.test(text)) {
    if (!URL.canParse(text)) throw new Error('The pasted URL is not a valid URL: copy the whole address from the address bar');
    return new URL(text).searchParams;
  }
  if (text.startsWith('?') || /(^|&)(code|error)=/.test(text)) return new URLSearchParams(text.replace(/^\?/, ''));
  return undefined;
}

/** Codes copied from the address bar may still be percent-encoded (`4%2F0A…`); real codes never contain `%`. */
function decodeBareCode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Exchanges the pasted code (or redirected URL) at the token endpoint and returns the refresh token.
 * Throws a message an operator can act on when Google refuses the code or returns no refresh token.
 */
export async function exchangeCode(opts: ConsentOptions, input: string): Promise<string> {
  const code = authorizationCodeFrom(input);
  let refreshToken: string | null | undefined;
  try {
    refreshToken = (await oauthClient(opts).getToken(code)).tokens.refresh_token;
  } catch (err) {
    throw new Error(describeTokenError(err, opts), { cause: err });
  }
  if (!refreshToken) {
    throw new Error(
      'Google returned no refresh token. It only sends one on the first consent of an account, or with prompt=consent. ' +
        "Revoke this app's access at https://myaccount.google.com/permissions and run the script again.",
    );
  }
  return refreshToken;
}

/**
 * Names the OAuth error Google sent (or the network failure) and what to do about it. Only the error's message and the
 * OAuth error body are used: the error object also holds the request, whose body carries the client secret.
 */
function describeTokenError(err: unknown, opts: ConsentOptions): string {
  const data = (err as { response?: { data?: { error?: unknown; error_description?: unknown } } }).response?.data;
  const code = typeof data?.error === 'string' ? data.error : undefined;
  if (!code) {
    const reason = err instanceof Error ? err.message : String(err);
    return `The token endpoint ${opts.tokenUrl ?? 'https://oauth2.googleapis.com/token'} did not exchange the code: ${reason}`;
  }
  const description = typeof data?.error_description === 'string' ? ` (${data.error_description})` : '';
  const hint =
    code === 'invalid_grant'
      ? ': a code works only once and expires within minutes, and GOOGLE_REDIRECT_URI must match the one used for consent. Run the script again'
      : code === 'invalid_client' || code === 'unauthorized_client'
        ? ': check GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET'
        : '';
  return `Google refused the authorization code: ${code}${description}${hint}`;
}

/**
 * Reads the consent settings from the environment: GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_REDIRECT_URI are
 * required (empty counts as unset), GOOGLE_TOKEN_URL is optional. Throws an Error naming every missing variable.
 */
export function consentOptionsFromEnv(env: NodeJS.ProcessEnv): ConsentOptions {
  const missing: string[] = [];
  const read = (name: string) => env[name]?.trim() || undefined;
  const required = (name: string): string => {
    const value = read(name);
    if (!value) missing.push(name);
    return value ?? '';
  };
  const opts: ConsentOptions = {
    clientId: required('GOOGLE_CLIENT_ID'),
    clientSecret: required('GOOGLE_CLIENT_SECRET'),
    redirectUri: required('GOOGLE_REDIRECT_URI'),
    meetAttendance: !['false', '0'].includes(read('GOOGLE_MEET_ATTENDANCE') ?? ''),
  };
  if (missing.length > 0) {
    throw new Error(
      `Missing ${missing.join(', ')}: set them to the OAuth client's values from the Google Cloud console (see docs/meetings.md)`,
    );
  }
  assertHttpUrl('GOOGLE_REDIRECT_URI', opts.redirectUri);
  const tokenUrl = read('GOOGLE_TOKEN_URL');
  if (tokenUrl === undefined) return opts;
  assertHttpUrl('GOOGLE_TOKEN_URL', tokenUrl);
  return { ...opts, tokenUrl };
}

function assertHttpUrl(name: string, value: string): void {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) throw new Error(`${name} must be an http or https URL`);
}
