import { googleFailure, retryAfter } from './google-errors.ts';
import { MeetingProviderError } from './provider.ts';

export const MEET_READ_SCOPE = 'https://www.googleapis.com/auth/meetings.space.readonly';
export const DIRECTORY_READ_SCOPE = 'https://www.googleapis.com/auth/directory.readonly';

/** The error shape of Google's newer APIs (Meet v2, People v1): google.rpc.Status, with ErrorInfo reasons. */
interface RpcErrorBody {
  error?: string | { code?: number; message?: string; status?: string; details?: { reason?: string }[]; errors?: { reason?: string }[] };
}

export type GoogleApiName = 'Google Meet' | 'Google People';

const SCOPE_OF: Record<GoogleApiName, string> = { 'Google Meet': MEET_READ_SCOPE, 'Google People': DIRECTORY_READ_SCOPE };
const RATE_REASONS = new Set(['RATE_LIMIT_EXCEEDED', 'rateLimitExceeded', 'userRateLimitExceeded']);

/**
 * Sorts a failed Meet or People call into what the sync does next: 401, 429, 5xx, rate limits and network trouble are
 * retried (Retry-After respected); a missing scope, a disabled API or any other refusal fails at once, with a reason
 * that names the fix, because no retry would change Google's answer.
 */
export function meetFailure(err: unknown, api: GoogleApiName): { status: number | undefined; error: MeetingProviderError } {
  const e = err as { response?: { status?: number; data?: unknown; headers?: unknown }; message?: string };
  const body = (e.response?.data ?? {}) as RpcErrorBody;
  const status = e.response?.status;
  if (status === undefined || typeof body.error === 'string') {
    const f = googleFailure(err);
    if (!/unauthorized_client/.test(f.error.message)) return f;
    const hint = `; the service account's domain-wide delegation must allow ${MEET_READ_SCOPE} and ${DIRECTORY_READ_SCOPE} (see docs/meetings.md)`;
    return { status: f.status, error: new MeetingProviderError(`${f.error.message}${hint}`, false) };
  }
  const error = typeof body.error === 'object' ? body.error : {};
  const reason = error.details?.find((d) => d.reason)?.reason ?? error.errors?.[0]?.reason ?? error.status;
  const wait = retryAfter(e.response?.headers);
  const said = `${api} answered ${status}${reason ? ` ${reason}` : ''}: ${error.message ?? e.message ?? 'error'}`.slice(0, 400);
  if (status === 401 || status === 429 || status >= 500 || (status === 403 && reason && RATE_REASONS.has(reason))) {
    return { status, error: new MeetingProviderError(said, true, wait) };
  }
  if (status === 403 && reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT') {
    const fix = `the Google credentials lack the scope ${SCOPE_OF[api]}: grant it (docs/meetings.md), then re-run the sync`;
    return { status, error: new MeetingProviderError(`${api} refused: ${fix} (${said})`, false) };
  }
  if (status === 403 && reason === 'SERVICE_DISABLED') {
    const fix = `the ${api === 'Google Meet' ? 'Google Meet REST API' : 'People API'} is not enabled in the Google Cloud project: enable it, then re-run the sync`;
    return { status, error: new MeetingProviderError(`${api} refused: ${fix} (${said})`, false) };
  }
  if ((status === 403 || status === 404) && api === 'Google Meet') return { status, error: new MeetAccessError(said) };
  return { status, error: new MeetingProviderError(said, false) };
}

/**
 * Meet refused to show a meeting (403 PERMISSION_DENIED) or said it does not exist (404): the server's Google account is
 * neither its owner nor a participant, which a pasted link to another organisation's meeting always is. Never retried.
 */
export class MeetAccessError extends MeetingProviderError {
  override name = 'MeetAccessError';
  constructor(message: string) {
    super(message, false);
  }
}
