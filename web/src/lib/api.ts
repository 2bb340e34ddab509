import { getToken } from './auth.ts';
import { noteServerDate } from './server-clock.ts';

/** An error reply of the API: `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: { field: string; message: string }[];

  constructor(status: number, code: string, message: string, details: { field: string; message: string }[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** The message for one field (`body.title`), to show beside it. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field || d.field === `body.${field}`)?.message;
  }
}

/** Calls the REST API with the caller's token; resolves with the JSON body or throws ApiError. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The service cannot be reached. Check your connection and try again.');
  }
  noteServerDate(res.headers.get('date'));
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => null);
  if (!res.ok) {
    const e = json?.error;
    throw new ApiError(res.status, e?.code ?? 'HTTP_ERROR', e?.message ?? `The service answered ${res.status}`, e?.details);
  }
  return json as T;
}

/** The file name a reply names in `Content-Disposition` (`filename*=UTF-8''…` or `filename="…"`), if any. */
export function dispositionFileName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // A malformed encoding falls through to the plain name.
    }
  }
  return /filename="?([^";]+)"?/i.exec(header)?.[1] ?? null;
}

/**
 * Downloads a file the API serves (a CSV export) and saves it. A plain link cannot carry the bearer token, so the
 * file is fetched like any call and handed to the browser through a Blob URL.
 */
export async function apiDownload(path: string, fallbackName: string): Promise<void> {
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The service cannot be reached. Check your connection and try again.');
  }
  if (!res.ok) {
    const e = (await res.json().catch(() => null))?.error;
    throw new ApiError(res.status, e?.code ?? 'HTTP_ERROR', e?.message ?? `The service answered ${res.status}`, e?.details);
  }
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = dispositionFileName(res.headers.get('content-disposition')) ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  // Not at once: some browsers read the Blob only after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
