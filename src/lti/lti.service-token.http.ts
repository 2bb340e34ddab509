/**
 * The one way our LTI Advantage clients (service tokens, NRPS, AGS) call a platform: a bounded time, a bounded body,
 * no redirects followed, and every failure turned into an LtiServiceError that says whether trying again may help.
 */

/**
 * A platform call that failed; `retryable` is false when repeating the same call cannot succeed (a 4xx). The message
 * is ours alone, safe to show a mentor; what the platform said is in `detail`, for the log only (it may be anything:
 * an internal page, a stack trace, content meant for someone else).
 */
export class LtiServiceError extends Error {
  override name = 'LtiServiceError';
  readonly retryable: boolean;
  readonly status?: number;
  /** From a Retry-After header, when the platform sent one. */
  readonly retryAfterMs?: number;
  /** The start of the platform's answer (at most MAX_DETAIL_CHARS), to log; never copied into a message. */
  readonly detail?: string;

  constructor(message: string, retryable: boolean, opts: { status?: number; retryAfterMs?: number; detail?: string } = {}) {
    super(message);
    this.retryable = retryable;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
    this.detail = opts.detail;
  }
}

/** How much of a platform's error answer is kept for the log. */
export const MAX_DETAIL_CHARS = 2000;

/** What a platform call may take at most, end to end. */
export const CALL_TIMEOUT_MS = 15_000;
/** A membership page of 10,000 members is a few MB; beyond this something is wrong. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

export type FetchLike = typeof fetch;

export interface CallOptions {
  fetch?: FetchLike;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Calls `url`; resolves with the response when it is a 2xx, else throws an LtiServiceError naming `what`. */
export async function platformCall(what: string, url: string, init: RequestInit, opts: CallOptions = {}): Promise<Response> {
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? CALL_TIMEOUT_MS), ...(opts.signal ? [opts.signal] : [])];
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { ...init, redirect: 'manual', signal: AbortSignal.any(signals) });
  } catch (err) {
    throw new LtiServiceError(`${what}: the platform could not be reached (${(err as Error).message})`, true);
  }
  if (res.ok) return res;
  const body = await readText(res).catch(() => '');
  const status = res.status;
  // 408, 429 and 5xx are the platform's passing trouble; 3xx and other 4xx will answer the same next time.
  const retryable = status === 408 || status === 429 || status >= 500;
  throw new LtiServiceError(`${what}: the platform answered ${status}`, retryable, {
    status,
    retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
    detail: body ? body.slice(0, MAX_DETAIL_CHARS) : undefined,
  });
}

/**
 * Whether `url` is on the same origin (scheme, host, port) as `base`. Our bearer token goes only where the signed launch
 * pointed (the context's service URLs): a link or an id the platform returns elsewhere could send it to another host,
 * or make us call an internal address on the platform's say-so.
 */
export function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/** The body as JSON, bounded in size; a body that is not JSON is a retryable error (a proxy's error page). */
export async function readJson(what: string, res: Response): Promise<unknown> {
  const body = await readText(res);
  try {
    return JSON.parse(body);
  } catch {
    throw new LtiServiceError(`${what}: the platform's answer is not JSON`, true);
  }
}

async function readText(res: Response): Promise<string> {
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw new LtiServiceError(`The platform's answer is too large (${length} bytes)`, false);
  const text = await res.text();
  if (text.length > MAX_BODY_BYTES) throw new LtiServiceError(`The platform's answer is too large (${text.length} characters)`, false);
  return text;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the page's URL; undefined on the last page. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rels =
      /;\s*rel\s*=\s*"?([^";]+)"?/i
        .exec(match[2] ?? '')?.[1]
        ?.toLowerCase()
        .split(/\s+/) ?? [];
    if (rels.includes('next')) return new URL(match[1] ?? '', base).toString();
  }
  return undefined;
}
