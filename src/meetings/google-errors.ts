import { MeetingProviderError } from './provider.ts';

interface GoogleErrorBody {
  error?: string | { code?: number; message?: string; errors?: { reason?: string }[] };
  error_description?: string;
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * Sorts a failed Google call (a GaxiosError from the Calendar API or the OAuth token endpoint) into what to do next:
 * rate limits (403 rateLimitExceeded / userRateLimitExceeded, 429), 5xx and network trouble are tried again; a revoked
 * grant, a missing calendar or a refused permission fail the link with a reason a mentor can act on.
 */
export function googleFailure(err: unknown): { status: number | undefined; error: MeetingProviderError } {
  if (err instanceof MeetingProviderError) return { status: undefined, error: err };
  const e = err as {
    status?: number;
    code?: string | number;
    name?: string;
    message?: string;
    response?: { status?: number; data?: unknown; headers?: unknown };
  };
  const status = e.response?.status ?? e.status;
  if (status === undefined) {
    const code = String(e.code ?? e.name ?? 'error');
    const retryable =
      NETWORK_CODES.has(code) ||
      code === 'AbortError' ||
      code === 'TimeoutError' ||
      /timeout|socket|network|fetch failed/i.test(e.message ?? '');
    return { status, error: new MeetingProviderError(`Could not reach Google (${code})`, retryable) };
  }
  const body = (e.response?.data ?? {}) as GoogleErrorBody;
  if (typeof body.error === 'string') {
    // The OAuth token endpoint: the grant itself is bad, which no retry will fix.
    const hint = body.error === 'invalid_grant' ? '; the refresh token was revoked or expired: run npm run google:auth again' : '';
    const retryable = status >= 500 || status === 429;
    return {
      status,
      error: new MeetingProviderError(`Google refused the credentials (${body.error})${hint}`, retryable, retryAfter(e.response?.headers)),
    };
  }
  const reason = body.error?.errors?.[0]?.reason;
  const message = `Google Calendar answered ${status}${reason ? ` ${reason}` : ''}: ${body.error?.message ?? e.message ?? 'error'}`.slice(
    0,
    500,
  );
  // 401: the access token died; the provider drops it, and the next attempt gets a new one or the grant's real error.
  const retryable =
    status === 401 || status === 429 || status >= 500 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason));
  return { status, error: new MeetingProviderError(message, retryable, retryAfter(e.response?.headers)) };
}

/** Retry-After in seconds or as an HTTP date, from a fetch Headers object or a plain record. */
export function retryAfter(headers: unknown): number | undefined {
  if (!headers) return undefined;
  const value =
    typeof (headers as Headers).get === 'function'
      ? (headers as Headers).get('retry-after')
      : ((headers as Record<string, string | undefined>)['retry-after'] ?? null);
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
